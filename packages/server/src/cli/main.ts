/**
 * The operator's command line, run next to the data directory:
 *   sightline site add example.com [--timezone Europe/Paris] [--public]
 *   sightline site list
 *   sightline site retention | purge | delete  (see data-commands.ts)
 *   sightline key add | list, site public      (see access-commands.ts)
 */
import { parseArgs } from 'node:util';
import { CreateSiteRequestSchema } from '@sightline/shared';
import { ConfigError, loadConfig } from '../config.js';
import { KEY_USAGE, runKeyCommand, setPublic } from './access-commands.js';
import { DATA_COMMANDS, DATA_USAGE, runDataCommand, type DataCommand } from './data-commands.js';
import { registerSite, snippet } from '../sites/register-site.js';
import { createStore } from '../store/index.js';
import type { EventStore } from '../store/types.js';

const USAGE = `usage:
  sightline site add <domain> [--timezone <IANA zone>] [--public]
  sightline site list
${DATA_USAGE}
${KEY_USAGE}`;

class UsageError extends Error {}

async function addSite(store: EventStore, args: string[], publicUrl: string): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { timezone: { type: 'string' }, public: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('site add takes exactly one domain');
  const parsed = CreateSiteRequestSchema.safeParse({ domain: positionals[0], timezone: values.timezone, public: values.public ?? false });
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'));
  }
  const site = await registerSite(store, parsed.data, Date.now());
  if (site === null) throw new UsageError(`${parsed.data.domain} is already registered`);
  const access = site.public ? 'public: anyone can read its stats' : 'private: read its stats with a key from sightline key add';
  console.log(`Registered ${site.domain} (time zone ${site.timezone}, ${access}). Paste this into every page's <head>:\n`);
  console.log(`  ${snippet(publicUrl, site.domain)}\n`);
}

async function listSites(store: EventStore): Promise<void> {
  const sites = await store.listSites();
  if (sites.length === 0) console.log('No sites yet: sightline site add <domain>');
  for (const site of sites) console.log(`${site.domain}\t${site.timezone}\t${new Date(site.createdAt).toISOString()}`);
}

async function run(argv: string[]): Promise<void> {
  const [group, command, ...rest] = argv;
  const isDataCommand = (DATA_COMMANDS as readonly string[]).includes(command ?? '');
  const isSiteCommand = command === 'add' || command === 'list' || command === 'public' || isDataCommand;
  if (!(group === 'site' && isSiteCommand) && !(group === 'key' && (command === 'add' || command === 'list'))) {
    throw new UsageError(USAGE);
  }
  const fail = (message: string): never => {
    throw new UsageError(message);
  };
  const config = loadConfig();
  const store = await createStore(config.store);
  try {
    if (group === 'key') await runKeyCommand(store, command, rest, fail);
    else if (command === 'public') await setPublic(store, rest, fail);
    else if (command === 'add') await addSite(store, rest, config.publicUrl);
    else if (command === 'list') await listSites(store);
    else {
      await runDataCommand(store, command as DataCommand, rest, (message) => {
        throw new UsageError(message);
      });
    }
  } finally {
    await store.close();
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) for (const problem of error.problems) console.error(`sightline: ${problem}`);
  else if (error instanceof UsageError || error instanceof TypeError) console.error(error.message);
  else console.error('sightline:', error instanceof Error ? error.message : error);
  process.exit(error instanceof UsageError || error instanceof TypeError ? 2 : 1);
});
