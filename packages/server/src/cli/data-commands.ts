/**
 * The CLI's commands on stored data: retention, purging and deleting a site.
 * A running server keeps a deleted site in its site cache for up to a minute.
 */
import { parseArgs } from 'node:util';
import { MAX_RETENTION_DAYS, purgeExpired } from '../sites/retention.js';
import { domainOf, fail, plural, type CliCommand, type CommandContext } from './command.js';

async function retention({ store }: CommandContext, args: string[]): Promise<void> {
  if (args.length !== 2) fail('site retention takes a domain and a number of days (or off)');
  const domain = domainOf(args[0]);
  const days = args[1] === 'off' ? null : Number(args[1]);
  if (days !== null && !(Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS)) {
    fail(`days must be a whole number from 1 to ${MAX_RETENTION_DAYS}, or off`);
  }
  if (!(await store.setRetention(domain, days))) fail(`${domain} is not registered`);
  console.log(days === null ? `${domain} keeps all its events.` : `${domain} keeps its last ${days === 1 ? 'day' : `${days} days`} of events; older ones are deleted within the hour (or now: sightline site purge).`);
}

async function purge({ store }: CommandContext, args: string[]): Promise<void> {
  if (args.length !== 0) fail('site purge takes no arguments');
  const purged = await purgeExpired(store, Date.now());
  if (purged.length === 0) console.log('No site has a retention setting: sightline site retention <domain> <days>');
  for (const { site, deleted } of purged) console.log(`${site}\t${plural(deleted, 'event')} deleted`);
}

async function remove({ store }: CommandContext, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { yes: { type: 'boolean' } } });
  if (positionals.length !== 1) fail('site delete takes exactly one domain');
  const domain = domainOf(positionals[0]);
  if (values.yes !== true) fail(`this deletes ${domain} with every event and API key it has, for good: add --yes`);
  const events = await store.countEvents(domain);
  if (!(await store.deleteSite(domain))) fail(`${domain} is not registered`);
  console.log(`Deleted ${domain}, its ${plural(events, 'event')}, API keys, goals and funnels.`);
}

export const DATA_COMMANDS: CliCommand[] = [
  {
    name: 'site retention',
    args: '<domain> <days|off>',
    summary: "Keep only the last N days of a site's events",
    details: `The server deletes older events every RETENTION_PURGE_INTERVAL_MINUTES (default 60);
sightline site purge deletes them at once. off keeps every event.`,
    run: retention,
  },
  {
    name: 'site purge',
    args: '',
    summary: "Delete every event past its site's retention now",
    run: purge,
  },
  {
    name: 'site delete',
    args: '<domain> --yes',
    summary: 'Delete a site with all its events, API keys, goals and funnels, for good',
    details: 'A running server goes on accepting the site\'s events for up to a minute (its site cache).',
    run: remove,
  },
];
