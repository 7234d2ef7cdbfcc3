/**
 * Stats reads over a generated history. Cold means computed from the store: every cold
 * request asks for a range no earlier request asked for (the range runs on into empty days
 * after the history, so the work is the same), and the server's X-Cache header must say
 * `miss`. Cached means the same request again, answered from Redis (`hit`).
 */
import type { Service } from '../processes.js';
import type { IngestRow, ReadRow, Report } from '../report.js';
import type { Profile } from '../main.js';
import { closeConnections, request, summarize, type LatencySummary } from '../sequential.js';
import { countStored, registerSite, startSightline, type SightlineOptions } from '../sightline.js';
import { HISTORY_DAYS, HISTORY_START, writeHistory } from './history.js';

const DAY_MS = 86_400_000;

interface Query {
  name: string;
  path: (site: string, from: string, to: string) => string;
}

const V1_QUERIES: readonly Query[] = [
  {
    name: 'aggregate',
    path: (site, from, to) => `/api/v1/stats/aggregate?site_id=${site}&period=custom&date=${from},${to}&metrics=visitors,pageviews`,
  },
  {
    name: 'timeseries (by day)',
    path: (site, from, to) => `/api/v1/stats/timeseries?site_id=${site}&period=custom&date=${from},${to}&interval=day&metrics=visitors,pageviews`,
  },
  {
    name: 'breakdown (top pages)',
    path: (site, from, to) =>
      `/api/v1/stats/breakdown?site_id=${site}&period=custom&date=${from},${to}&property=event:page&metrics=visitors,pageviews&limit=10`,
  },
];

/** Builds that predate the v1 Stats API answer GET /api/stats: totals and top pages in one query. */
const SUMMARY_QUERIES: readonly Query[] = [
  {
    name: 'summary (totals + top pages)',
    path: (site, from, to) => `/api/stats?site=${site}&from=${from}&to=${to}&limit=10`,
  },
];

async function queriesServedBy(port: number, site: string, key: string): Promise<{ api: string; queries: readonly Query[] }> {
  const probe = await request(port, 'GET', V1_QUERIES[0]!.path(site, day(0), day(0)), undefined, { authorization: `Bearer ${key}` });
  return probe.status === 404 && probe.body.includes('no route')
    ? { api: 'GET /api/stats', queries: SUMMARY_QUERIES }
    : { api: 'GET /api/v1/stats', queries: V1_QUERIES };
}

const day = (offset: number) => new Date(HISTORY_START + offset * DAY_MS).toISOString().slice(0, 10);

/** Reads as an API user does: with a stats:read key of the site, issued through the API. */
async function readKey(port: number, options: SightlineOptions): Promise<string> {
  const body = JSON.stringify({ scopes: ['stats:read'] });
  const response = await request(port, 'POST', `/api/sites/${options.site}/keys`, body, {
    authorization: `Bearer ${options.adminToken}`,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  if (response.status !== 201) throw new Error(`issuing an API key answered ${response.status}: ${response.body.slice(0, 300)}`);
  return (JSON.parse(response.body) as { key: string }).key;
}

async function timed(port: number, path: string, expectCache: 'hit' | 'miss', key: string): Promise<number> {
  const response = await request(port, 'GET', path, undefined, { authorization: `Bearer ${key}` });
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${response.body.slice(0, 300)}`);
  if (response.headers['x-cache'] !== expectCache) {
    throw new Error(`GET ${path} answered X-Cache: ${String(response.headers['x-cache'])}, expected ${expectCache}`);
  }
  return response.ms;
}

async function measureQuery(port: number, site: string, query: Query, profile: Profile, key: string): Promise<ReadRow> {
  const cold: number[] = [];
  for (let k = 0; k < profile.coldSamples; k++) {
    cold.push(await timed(port, query.path(site, day(0), day(HISTORY_DAYS - 1 + k)), 'miss', key));
  }
  const cachedPath = query.path(site, day(0), day(HISTORY_DAYS - 1));
  // As many unmeasured reads first: the samples are of a server in its steady state, not of V8's
  // first compilations of the cached path. The bare reference is warmed up the same way.
  for (let k = 0; k < profile.readSamples; k++) await timed(port, cachedPath, 'hit', key);
  const cached: number[] = [];
  for (let k = 0; k < profile.readSamples; k++) cached.push(await timed(port, cachedPath, 'hit', key));
  return { query: query.name, cold: summarize(cold), cached: summarize(cached) };
}

export interface ReadsInput {
  options: SightlineOptions;
  profile: Profile;
  seed: number;
  bareSequential: LatencySummary;
  nodeArgs: string[];
  loadTarget: (name: string, service: Service, profile: Profile) => Promise<IngestRow>;
}

async function stopCleanly(server: Service): Promise<void> {
  const code = await server.stop();
  if (code !== 0) throw new Error(`sightline exited with ${code}:\n${server.log}`);
}

/**
 * Writes the history, then runs two servers on it one after the other: the first takes the
 * ingest load (its peak memory is the "under load with the history stored" figure), the second
 * answers the reads (reported apart, since a cold query's working memory is a different cost).
 */
export async function measureReads(input: ReadsInput): Promise<NonNullable<Report['reads']>> {
  const { options, profile } = input;
  await registerSite(options);
  const { createStore } = await import('@sightline/server/dist/store/index.js');
  const store = await createStore({ kind: 'sqlite', dataDir: options.dataDir, synchronous: 'NORMAL' });
  console.error(`bench: writing ${profile.historyEvents} events of history`);
  try {
    await writeHistory(store, options.site, profile.historyEvents, input.seed);
  } finally {
    await store.close();
  }

  console.error('bench: ingest load with the history stored');
  const loadedServer = await startSightline(options, input.nodeArgs);
  const loaded = await input.loadTarget('sightline, history stored', loadedServer, profile);
  await stopCleanly(loadedServer);
  const storedAfterLoad = await countStored(options.dataDir, options.site);

  console.error('bench: stats reads');
  const server = await startSightline(options, input.nodeArgs);
  const key = await readKey(server.port, options);
  const { api, queries } = await queriesServedBy(server.port, options.site, key);
  const rows: ReadRow[] = [];
  for (const query of queries) rows.push(await measureQuery(server.port, options.site, query, profile, key));
  closeConnections();
  const readsRssPeakMb = server.peakRssMb();
  await stopCleanly(server);
  return {
    historyEvents: profile.historyEvents,
    api,
    bareSequential: input.bareSequential,
    rows,
    readsRssPeakMb,
    loaded,
    storedAfterLoad,
    expectedAfterLoad: profile.historyEvents + loaded.load.accepted,
  };
}
