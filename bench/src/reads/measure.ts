/**
 * Stats reads over a generated history. Cold means computed from the store: every cold
 * request asks for a range no earlier request asked for (see ranges.ts), and the server's
 * X-Cache header must say `miss`. Cached means the same request again, answered from the
 * cache (`hit`).
 */
import { performance } from 'node:perf_hooks';
import type { Service } from '../processes.js';
import type { IngestRow, ReadRow, Report } from '../report.js';
import type { Profile } from '../main.js';
import { closeConnections, request, sequential, summarize, type LatencySummary } from '../sequential.js';
import { countStored, openBenchStore, registerSite, startSightline, type SightlineOptions } from '../sightline.js';
import { HISTORY_TIMEZONE, writeHistory } from './history/index.js';
import { probeUnderReads } from './probe.js';
import { DASHBOARD_QUERIES, labelOf, type Query } from './queries.js';
import { FreshRanges, HISTORY_RANGE } from './ranges.js';
import { timedRead } from './timed-read.js';
import { defineGoals } from './goals.js';

/** A p50 needs a few samples even when one takes seconds; past that, a query's time budget decides. */
const MIN_COLD_SAMPLES = 3;

/** Builds that predate the v1 Stats API answer GET /api/stats: totals and top pages in one query. */
const SUMMARY_QUERIES: readonly Query[] = [
  {
    name: 'summary (totals + top pages)',
    filter: null,
    heavy: true,
    path: (site, from, to) => `/api/stats?site=${site}&from=${from}&to=${to}&limit=10`,
  },
];

async function queriesServedBy(port: number, site: string, key: string): Promise<{ api: string; queries: readonly Query[] }> {
  const probe = await request(port, 'GET', DASHBOARD_QUERIES[0]!.path(site, HISTORY_RANGE[0], HISTORY_RANGE[0]), undefined, { authorization: `Bearer ${key}` });
  return probe.status === 404 && probe.body.includes('no route')
    ? { api: 'GET /api/stats', queries: SUMMARY_QUERIES }
    : { api: 'GET /api/v1/stats, the dashboard\'s queries', queries: DASHBOARD_QUERIES };
}

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

async function measureQuery(port: number, site: string, query: Query, ranges: FreshRanges, profile: Profile, key: string): Promise<ReadRow> {
  const label = labelOf(query.name, query.filter);
  const cold: number[] = [];
  const started = performance.now();
  while (cold.length < profile.coldSamples && (cold.length < MIN_COLD_SAMPLES || performance.now() - started < profile.coldBudgetSeconds * 1000)) {
    const [from, to] = ranges.next(label);
    cold.push(await timedRead(sequential, port, query.path(site, from, to), 'miss', key));
  }
  const cachedPath = query.path(site, ...HISTORY_RANGE);
  // As many unmeasured reads first: the samples are of a server in its steady state, not of V8's
  // first compilations of the cached path. The bare reference is warmed up the same way.
  for (let k = 0; k < profile.readSamples; k++) await timedRead(sequential, port, cachedPath, 'hit', key);
  const cached: number[] = [];
  for (let k = 0; k < profile.readSamples; k++) cached.push(await timedRead(sequential, port, cachedPath, 'hit', key));
  return {
    query: query.name,
    filter: query.filter,
    ...(query.targetMs === undefined ? {} : { targetMs: query.targetMs }),
    cold: summarize(cold),
    cached: summarize(cached),
  };
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
 * answers the reads and the probe (reported apart, since a cold query's working memory is a
 * different cost). The store is counted once both have drained.
 */
export async function measureReads(input: ReadsInput): Promise<NonNullable<Report['reads']>> {
  const { options, profile } = input;
  await registerSite(options, HISTORY_TIMEZONE);
  const store = await openBenchStore(options);
  console.error(`bench: writing ${profile.historyEvents} events of history`);
  const writeStarted = performance.now();
  try {
    await writeHistory(store, options.site, profile.historyEvents, input.seed);
    await defineGoals(store, options.site);
  } finally {
    await store.close();
  }
  const historySeconds = (performance.now() - writeStarted) / 1000;

  console.error('bench: ingest load with the history stored');
  const loadedServer = await startSightline(options, input.nodeArgs);
  const loaded = await input.loadTarget('sightline, history stored', loadedServer, profile);
  await stopCleanly(loadedServer);

  console.error('bench: stats reads');
  const server = await startSightline(options, input.nodeArgs);
  const key = await readKey(server.port, options);
  const { api, queries } = await queriesServedBy(server.port, options.site, key);
  const ranges = new FreshRanges();
  const rows: ReadRow[] = [];
  for (const query of queries) rows.push(await measureQuery(server.port, options.site, query, ranges, profile, key));
  closeConnections();

  console.error('bench: probe while the heaviest reads run');
  const probe = await probeUnderReads({
    port: server.port,
    site: options.site,
    key,
    heavy: queries.filter((query) => query.heavy),
    ranges,
    ...profile.probe,
    seed: input.seed + 1,
  });
  const readsRssPeakMb = server.peakRssMb();
  await stopCleanly(server);
  const storedAfterLoad = await countStored(options, options.site);
  return {
    historyEvents: profile.historyEvents,
    historySeconds,
    timezone: HISTORY_TIMEZONE,
    api,
    bareSequential: input.bareSequential,
    rows,
    probe,
    readsRssPeakMb,
    loaded,
    storedAfterLoad,
    expectedAfterLoad: profile.historyEvents + loaded.load.accepted + probe.accepted,
  };
}
