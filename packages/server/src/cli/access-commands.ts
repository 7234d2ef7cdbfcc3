/**
 * The CLI's access commands:
 *   sightline key add <domain> [--scope stats:read] [--scope sites:admin]   prints the key once
 *   sightline key list <domain>
 *   sightline site public <domain> <on|off>                                  stats readable without a key
 * A running server notices a changed public flag within a minute (its site cache).
 */
import { parseArgs } from 'node:util';
import { KEY_SCOPES, SiteIdSchema } from '@sightline/shared';
import { issueKey } from '../sites/api-keys.js';
import type { EventStore, KeyScope } from '../store/types.js';

export const KEY_USAGE = `  sightline key add <domain> [--scope stats:read|sites:admin ...]
  sightline key list <domain>
  sightline site public <domain> <on|off>`;

type Fail = (message: string) => never;

function domainOf(raw: string | undefined, fail: Fail): string {
  const parsed = SiteIdSchema.safeParse(raw);
  if (!parsed.success) fail(`${raw ?? '(missing)'}: must be a domain name such as example.com`);
  return parsed.data!;
}

async function addKey(store: EventStore, args: string[], fail: Fail): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { scope: { type: 'string', multiple: true } } });
  if (positionals.length !== 1) fail('key add takes exactly one domain');
  const domain = domainOf(positionals[0], fail);
  const scopes = values.scope ?? ['stats:read'];
  const unknown = scopes.filter((scope) => !(KEY_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) fail(`unknown scope ${unknown.join(', ')}; allowed: ${KEY_SCOPES.join(', ')}`);
  if ((await store.getSite(domain)) === null) fail(`${domain} is not registered`);
  const { record, secret } = await issueKey(store, domain, scopes as KeyScope[], Date.now());
  console.log(`Key ${record.id} for ${domain} (${record.scopes.join(', ')}). It is shown only now:\n\n  ${secret}\n`);
  console.log(`Use it as: curl -H 'Authorization: Bearer ${secret}' ...`);
}

async function listKeys(store: EventStore, args: string[], fail: Fail): Promise<void> {
  if (args.length !== 1) fail('key list takes exactly one domain');
  const domain = domainOf(args[0], fail);
  if ((await store.getSite(domain)) === null) fail(`${domain} is not registered`);
  const keys = await store.listApiKeys(domain);
  if (keys.length === 0) console.log(`No keys for ${domain} yet: sightline key add ${domain}`);
  for (const key of keys) console.log(`${key.id}\t${key.scopes.join(',')}\t${new Date(key.createdAt).toISOString()}`);
}

export async function setPublic(store: EventStore, args: string[], fail: Fail): Promise<void> {
  if (args.length !== 2 || (args[1] !== 'on' && args[1] !== 'off')) fail('site public takes a domain and on or off');
  const domain = domainOf(args[0], fail);
  const site = await store.updateSite(domain, { public: args[1] === 'on' });
  if (site === null) fail(`${domain} is not registered`);
  console.log(site!.public ? `${domain} is public: anyone can read its stats.` : `${domain} is private: reading its stats takes a key.`);
}

export async function runKeyCommand(store: EventStore, command: string | undefined, args: string[], fail: Fail): Promise<void> {
  if (command === 'add') await addKey(store, args, fail);
  else if (command === 'list') await listKeys(store, args, fail);
  else fail(`usage:\n${KEY_USAGE}`);
}
