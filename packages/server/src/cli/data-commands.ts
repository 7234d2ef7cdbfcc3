/**
 * The CLI's data commands:
 *   sightline site retention <domain> <days|off>   keep only the last N days of a site's events
 *   sightline site purge                           delete every event past its site's retention now
 *   sightline site delete <domain> --yes           delete a site with all its events and API keys
 * A running server keeps a deleted site in its site cache for up to a minute.
 */
import { parseArgs } from 'node:util';
import { SiteIdSchema } from '@sightline/shared';
import { MAX_RETENTION_DAYS, purgeExpired } from '../sites/retention.js';
import type { EventStore } from '../store/types.js';

export const DATA_COMMANDS = ['retention', 'purge', 'delete'] as const;
export type DataCommand = (typeof DATA_COMMANDS)[number];

export const DATA_USAGE = `  sightline site retention <domain> <days|off>
  sightline site purge
  sightline site delete <domain> --yes`;

type Fail = (message: string) => never;

function domainOf(raw: string | undefined, fail: Fail): string {
  const parsed = SiteIdSchema.safeParse(raw);
  if (!parsed.success) fail(`${raw ?? '(missing)'}: must be a domain name such as example.com`);
  return parsed.data!;
}

async function retention(store: EventStore, args: string[], fail: Fail): Promise<void> {
  if (args.length !== 2) fail('site retention takes a domain and a number of days (or off)');
  const domain = domainOf(args[0], fail);
  const days = args[1] === 'off' ? null : Number(args[1]);
  if (days !== null && !(Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS)) {
    fail(`days must be a whole number from 1 to ${MAX_RETENTION_DAYS}, or off`);
  }
  if (!(await store.setRetention(domain, days))) fail(`${domain} is not registered`);
  console.log(days === null ? `${domain} keeps all its events.` : `${domain} keeps its last ${days} days of events; older ones are deleted within the hour (or now: sightline site purge).`);
}

async function purge(store: EventStore, args: string[], fail: Fail): Promise<void> {
  if (args.length !== 0) fail('site purge takes no arguments');
  const purged = await purgeExpired(store, Date.now());
  if (purged.length === 0) console.log('No site has a retention setting: sightline site retention <domain> <days>');
  for (const { site, deleted } of purged) console.log(`${site}\t${deleted} events deleted`);
}

async function remove(store: EventStore, args: string[], fail: Fail): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { yes: { type: 'boolean' } } });
  if (positionals.length !== 1) fail('site delete takes exactly one domain');
  const domain = domainOf(positionals[0], fail);
  if (values.yes !== true) fail(`this deletes ${domain} with every event and API key it has, for good: add --yes`);
  const events = await store.countEvents(domain);
  if (!(await store.deleteSite(domain))) fail(`${domain} is not registered`);
  console.log(`Deleted ${domain}, its ${events} events and its API keys.`);
}

export function runDataCommand(store: EventStore, command: DataCommand, args: string[], fail: Fail): Promise<void> {
  switch (command) {
    case 'retention':
      return retention(store, args, fail);
    case 'purge':
      return purge(store, args, fail);
    case 'delete':
      return remove(store, args, fail);
  }
}
