/** sightline goal add|list|delete and funnel add|list|delete, run as the CLI runs them, against a store. */
import { COMMANDS } from '../src/cli/commands.js';
import { UsageError } from '../src/cli/command.js';
import { overview } from '../src/cli/help.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventStore } from '../src/store/types.js';
import { storedEvent } from './support/store-basics.js';

let store: EventStore;
let printed: string[];
const log = console.log;

beforeEach(async () => {
  store = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' });
  await store.createSite({ domain: 'cli.example', timezone: 'UTC', createdAt: 0 });
  printed = [];
  console.log = (line: string) => void printed.push(line);
});

afterEach(async () => {
  console.log = log;
  await store.close();
});

async function sightline(...words: string[]): Promise<string> {
  const command = COMMANDS.find((candidate) => words.join(' ').startsWith(`${candidate.name} `) || words.join(' ') === candidate.name)!;
  printed = [];
  await command.run({ store, publicUrl: 'http://localhost:3000' }, words.slice(command.name.split(' ').length));
  return printed.join('\n');
}

const refusal = (...words: string[]) => sightline(...words).then(
  () => 'no refusal',
  (error: unknown) => (error instanceof UsageError ? error.message : `not a usage error: ${String(error)}`),
);

describe('sightline goal and funnel', () => {
  it('adds, lists and deletes goals and funnels', async () => {
    expect(await sightline('goal', 'list', 'cli.example')).toMatch(/No goals for cli.example yet/);
    const signup = /Goal (\d+) of cli.example: Signup/.exec(await sightline('goal', 'add', 'cli.example', '--event', 'Signup'))![1]!;
    expect(await sightline('goal', 'add', 'cli.example', '--event', 'Signup')).toBe(`Goal ${signup} of cli.example: Signup`);
    expect(await sightline('goal', 'add', 'cli.example', '--page', '/pricing')).toMatch(/: Visit \/pricing$/);
    expect((await sightline('goal', 'list', 'cli.example')).split('\n')).toHaveLength(2);
    expect(await sightline('goal', 'list', 'cli.example')).toMatch(new RegExp(`^${signup}\tevent\tSignup$`, 'm'));

    const funnel = await sightline('funnel', 'add', 'cli.example', 'Buy', '--step', 'Visit /pricing', '--step', 'Signup');
    expect(funnel).toMatch(/^Funnel \d+ of cli.example: Buy: Visit \/pricing → Signup$/);
    expect(await sightline('funnel', 'list', 'cli.example')).toMatch(/\tBuy\tVisit \/pricing → Signup$/);
    expect(await refusal('goal', 'delete', 'cli.example', signup)).toMatch(/step of the funnel "Buy"/);

    const funnelId = /^Funnel (\d+)/.exec(funnel)![1]!;
    expect(await sightline('funnel', 'delete', 'cli.example', funnelId)).toBe(`Deleted funnel ${funnelId} of cli.example`);
    expect(await sightline('goal', 'delete', 'cli.example', signup)).toBe(`Deleted goal ${signup} of cli.example`);
    expect(await refusal('goal', 'delete', 'cli.example', signup)).toMatch(/has no such goal/);
  });

  it('counts past events once a goal is added', async () => {
    await store.insertEvents([storedEvent({ site: 'cli.example', name: 'Signup' })]);
    await sightline('goal', 'add', 'cli.example', '--event', 'Signup');
    const [goal] = await store.listGoals('cli.example');
    const day = { from: Date.parse('2026-11-28T00:00:00Z'), to: Date.parse('2026-11-29T00:00:00Z') };
    const measures = await store.aggregate({ site: 'cli.example', range: day, filters: [{ property: { scope: 'event', field: 'name' }, match: 'exact', values: [goal!.value], negated: false }] });
    expect(measures.visitors).toBe(1);
  });

  it.each([
    [['goal', 'add', 'cli.example'], /either --event <name> or --page/],
    [['goal', 'add', 'cli.example', '--event', 'A', '--page', '/b'], /either --event <name> or --page/],
    [['goal', 'add', 'nowhere.example', '--event', 'A'], /nowhere.example is not registered/],
    [['goal', 'add', 'cli.example', '--page', 'pricing'], /must start with \//],
    [['goal', 'delete', 'cli.example', 'x'], /goal id, as goal list shows it/],
    [['funnel', 'add', 'cli.example', 'Buy', '--step', 'Signup'], /2 to 8 steps/],
    [['funnel', 'add', 'cli.example', 'Buy', '--step', 'Signup', '--step', 'Download'], /no goal "Signup", "Download"/],
    [['funnel', 'delete', 'cli.example', '42'], /has no funnel 42/],
  ])('refuses %j saying why', async (words, message) => {
    expect(await refusal(...words)).toMatch(message);
  });

  it('is in the help', () => {
    const help = overview(COMMANDS);
    for (const name of ['goal add', 'goal list', 'goal delete', 'funnel add', 'funnel list', 'funnel delete']) expect(help).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });
});
