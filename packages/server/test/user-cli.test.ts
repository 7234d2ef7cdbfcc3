/** sightline user add|reset-password|list, run as the CLI runs them, against a store. */
import { tokenHash } from '../src/accounts/secrets.js';
import { UsageError } from '../src/cli/command.js';
import { COMMANDS } from '../src/cli/commands.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventStore } from '../src/store/types.js';

let store: EventStore;
let printed: string[];
const log = console.log;

beforeEach(async () => {
  store = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' });
  await store.createSite({ domain: 'cli.example', timezone: 'UTC', createdAt: 0 });
  console.log = (line: string) => void printed.push(line);
});

afterEach(async () => {
  console.log = log;
  await store.close();
});

async function sightline(...words: string[]): Promise<string> {
  const command = COMMANDS.find((candidate) => candidate.name === words.slice(0, 2).join(' '))!;
  printed = [];
  await command.run({ store, publicUrl: 'http://localhost:3000' }, words.slice(2));
  return printed.join('\n');
}

const linkIn = (text: string) => /(http:\/\/localhost:3000\/welcome\?token=([\w-]+))/.exec(text);

describe('sightline user', () => {
  it('adds a person without a password and prints their one-time link', async () => {
    const printedAdd = await sightline('user', 'add', 'Ada@Example.com', '--role', 'owner');
    expect(printedAdd).toContain('Added ada@example.com (owner).');
    const [, , token] = linkIn(printedAdd)!;
    const invite = await store.accounts.findToken(tokenHash(token!), Date.now());
    expect(invite).toMatchObject({ kind: 'invite', email: 'ada@example.com', role: 'owner' });
    expect(await store.accounts.findUserByEmail('ada@example.com')).toMatchObject({ role: 'owner', passwordHash: null, sites: [] });
    expect(await sightline('user', 'list')).toBe('ada@example.com\towner\tinvited');
  });

  it('adds a viewer of chosen, registered sites only', async () => {
    await expect(sightline('user', 'add', 'v@example.com', '--role', 'viewer')).rejects.toThrow(UsageError);
    await expect(sightline('user', 'add', 'v@example.com', '--role', 'viewer', '--site', 'nope.example')).rejects.toThrow('nope.example is not registered');
    await expect(sightline('user', 'add', 'v@example.com', '--role', 'admin', '--site', 'cli.example')).rejects.toThrow('--site is for viewers');
    await expect(sightline('user', 'add', 'v@example.com', '--role', 'king')).rejects.toThrow('give --role owner|admin|viewer');
    await expect(sightline('user', 'add', 'not-an-address', '--role', 'admin')).rejects.toThrow('enter an e-mail address');
    expect(await sightline('user', 'add', 'v@example.com', '--role', 'viewer', '--site', 'cli.example')).toContain('(viewer of cli.example)');
    await expect(sightline('user', 'add', 'v@example.com', '--role', 'admin')).rejects.toThrow('already has an account');
  });

  it('prints a password reset link for an existing person only, replacing the earlier one', async () => {
    await expect(sightline('user', 'reset-password', 'nobody@example.com')).rejects.toThrow('nobody has an account');
    await sightline('user', 'add', 'ada@example.com', '--role', 'admin');
    const first = linkIn(await sightline('user', 'reset-password', 'ada@example.com'))![2]!;
    const second = linkIn(await sightline('user', 'reset-password', 'ada@example.com'))![2]!;
    expect(await store.accounts.findToken(tokenHash(first), Date.now())).toBeNull();
    expect(await store.accounts.findToken(tokenHash(second), Date.now())).toMatchObject({ kind: 'reset', email: 'ada@example.com' });
  });
});
