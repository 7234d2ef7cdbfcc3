/** The CLI's commands that register and list sites. */
import { parseArgs } from 'node:util';
import { CreateSiteRequestSchema } from '@sightline/shared';
import { registerSite, snippet } from '../sites/register-site.js';
import type { EventStore } from '../store/types.js';
import { fail, plural, type CliCommand } from './command.js';

async function addSite({ store, publicUrl }: { store: EventStore; publicUrl: string }, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { timezone: { type: 'string' }, public: { type: 'boolean' } },
  });
  if (positionals.length !== 1) fail('site add takes exactly one domain');
  const parsed = CreateSiteRequestSchema.safeParse({ domain: positionals[0], timezone: values.timezone, public: values.public ?? false });
  if (!parsed.success) fail(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'));
  const site = await registerSite(store, parsed.data, Date.now());
  if (site === null) fail(`${parsed.data.domain} is already registered`);
  const access = site.public ? 'public: anyone can read its stats' : 'private: read its stats with a key from sightline key add';
  console.log(`Registered ${site.domain} (time zone ${site.timezone}, ${access}). Paste this into every page's <head>:\n`);
  console.log(`  ${snippet(publicUrl, site.domain)}\n`);
}

/** Columns padded to their widest cell, so the list reads as a table in a terminal. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n');
}

async function listSites({ store }: { store: EventStore }): Promise<void> {
  const sites = await store.listSites();
  if (sites.length === 0) {
    console.log('No sites yet: sightline site add <domain>');
    return;
  }
  const retention = new Map((await store.retentionSettings()).map(({ site, days }) => [site, days]));
  const rows = [['DOMAIN', 'PUBLIC', 'TIME ZONE', 'RETENTION', 'EVENTS']];
  for (const site of sites) {
    const days = retention.get(site.domain);
    const events = await store.countEvents(site.domain);
    rows.push([site.domain, site.public ? 'yes' : 'no', site.timezone, days === undefined ? 'all' : plural(days, 'day'), events.toLocaleString('en-US')]);
  }
  console.log(table(rows));
}

export const SITE_COMMANDS: CliCommand[] = [
  {
    name: 'site add',
    args: '<domain> [--timezone <IANA zone>] [--public]',
    summary: "Register a site and print the snippet for its pages' <head>",
    details: `--timezone  the zone its days and months are counted in (default UTC), e.g. Europe/Paris
--public    anyone may read its stats without a key (default: private)`,
    run: addSite,
  },
  {
    name: 'site list',
    args: '',
    summary: 'List the sites: public or not, time zone, retention and events stored',
    run: listSites,
  },
];
