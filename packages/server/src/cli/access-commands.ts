/**
 * The CLI's access commands: API keys and whether a site's stats are public.
 * A running server notices a changed public flag within a minute (its site cache).
 */
import { parseArgs } from 'node:util';
import { KEY_SCOPES } from '@sightline/shared';
import { issueKey } from '../sites/api-keys.js';
import type { KeyScope } from '../store/types.js';
import { domainOf, fail, type CliCommand, type CommandContext } from './command.js';

async function addKey({ store }: CommandContext, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { scope: { type: 'string', multiple: true } } });
  if (positionals.length !== 1) fail('key add takes exactly one domain');
  const domain = domainOf(positionals[0]);
  const scopes = values.scope ?? ['stats:read'];
  const unknown = scopes.filter((scope) => !(KEY_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) fail(`unknown scope ${unknown.join(', ')}; allowed: ${KEY_SCOPES.join(', ')}`);
  if ((await store.getSite(domain)) === null) fail(`${domain} is not registered`);
  const { record, secret } = await issueKey(store, domain, scopes as KeyScope[], Date.now());
  console.log(`Key ${record.id} for ${domain} (${record.scopes.join(', ')}). It is shown only now:\n\n  ${secret}\n`);
  console.log(`Use it as: curl -H 'Authorization: Bearer ${secret}' ...`);
}

async function listKeys({ store }: CommandContext, args: string[]): Promise<void> {
  if (args.length !== 1) fail('key list takes exactly one domain');
  const domain = domainOf(args[0]);
  if ((await store.getSite(domain)) === null) fail(`${domain} is not registered`);
  const keys = await store.listApiKeys(domain);
  if (keys.length === 0) console.log(`No keys for ${domain} yet: sightline key add ${domain}`);
  for (const key of keys) {
    const lastUsed = key.lastUsedAt === undefined ? 'never used' : `last used ${new Date(key.lastUsedAt).toISOString()}`;
    console.log(`${key.id}\t${key.scopes.join(',')}\t${new Date(key.createdAt).toISOString()}\t${lastUsed}`);
  }
}

/** Keys are named by id alone, as listed; the store is asked site by site, which a command line can afford. */
async function revokeKey({ store }: CommandContext, args: string[]): Promise<void> {
  if (args.length !== 1 || args[0] === '') fail('key revoke takes exactly one key id, as key list shows it');
  const id = args[0]!;
  for (const site of await store.listSites()) {
    if (await store.deleteApiKey(site.domain, id)) {
      console.log(`Revoked ${id} of ${site.domain}: servers refuse it from the next request on.`);
      return;
    }
  }
  fail(`no key ${id}: sightline key list <domain> shows a site's keys`);
}

async function setPublic({ store }: CommandContext, args: string[]): Promise<void> {
  if (args.length !== 2 || (args[1] !== 'on' && args[1] !== 'off')) fail('site public takes a domain and on or off');
  const domain = domainOf(args[0]);
  const site = await store.updateSite(domain, { public: args[1] === 'on' });
  if (site === null) fail(`${domain} is not registered`);
  console.log(site.public ? `${domain} is public: anyone can read its stats.` : `${domain} is private: reading its stats takes a key.`);
}

export const ACCESS_COMMANDS: CliCommand[] = [
  {
    name: 'site public',
    args: '<domain> <on|off>',
    summary: "Let anyone read a site's stats (on), or only holders of its keys (off)",
    run: setPublic,
  },
  {
    name: 'key add',
    args: '<domain> [--scope stats:read|sites:admin ...]',
    summary: 'Issue an API key for a site; it is printed once',
    details: `--scope stats:read   read the site's stats (the default)
--scope sites:admin  change the site and manage its keys over HTTP
Send it as: Authorization: Bearer <key>`,
    run: addKey,
  },
  {
    name: 'key list',
    args: '<domain>',
    summary: "List a site's keys: id, scopes, when issued, when last used (never the key itself)",
    run: listKeys,
  },
  {
    name: 'key revoke',
    args: '<key id>',
    summary: 'Revoke an API key; every server refuses it from its next request on',
    run: revokeKey,
  },
];
