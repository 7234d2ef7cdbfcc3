/** The run's results as a markdown table with PASS/FAIL beside each target, and as JSON. */
import type { LoadResult } from './load/load.js';
import type { ProbeResult } from './reads/probe.js';
import { labelOf } from './reads/queries.js';
import type { LatencySummary } from './sequential.js';

export interface IngestRow {
  target: string;
  load: LoadResult;
  rssPeakMb: number;
  /** The server process's CPU time (user and system) over the load, warm-up included, per request. */
  cpuMsPerRequest: number;
}

export interface ReadRow {
  query: string;
  /** The view's filter, null for the dashboard as it opens. */
  filter: string | null;
  /** The cold p50 target when it is not the view's. */
  targetMs?: number;
  cold: LatencySummary;
  cached: LatencySummary;
}

export interface Check {
  name: string;
  target: string;
  value: string;
  pass: boolean;
}

export interface Report {
  startedAt: string;
  mode: 'full' | 'quick';
  /** One-minute load averages: how busy the shared cores were with other work around the run. */
  machine: { cpus: number; node: string; cache: string; store: string; loadAverage: { before: number; after: number } };
  ingest: IngestRow[];
  ratios: { sightlineVsExpress: number; sightlineVsBare: number };
  integrity: { accepted: number; sequentialWrites: number; stored: number; droppedAsBot: number };
  /** Redis commands during the ingest load (INFO commandstats before and after), over the events it acknowledged. */
  redis: { scripts: number; others: number; all: number; events: number; private: boolean } | null;
  reads: {
    historyEvents: number;
    /** How long insertEvents took to write the history. */
    historySeconds: number;
    timezone: string;
    api: string;
    bareSequential: LatencySummary;
    rows: ReadRow[];
    probe: ProbeResult;
    /** Peak memory of the server that answered the reads and the probe (a separate process from the loaded one). */
    readsRssPeakMb: number;
    loaded: IngestRow | null;
    /** Counted once the loaded server and the reads server have both stopped. */
    storedAfterLoad: number;
    /** The history, the 202 answers of the load, and the probe's events. */
    expectedAfterLoad: number;
  } | null;
  sequential: {
    writeAverageMs: number;
    readAverageMs: number;
    requests: number;
    /** The same scripts against the bare and the Express no-op servers in the same run. */
    reference: { bareWriteAverageMs: number; expressWriteAverageMs: number; bareReadAverageMs: number };
  };
  checks: Check[];
}

const RSS_LIMIT_MB = 300;
/** The server under ingest load with the history stored. */
const LOADED_RSS_LIMIT_MB = 250;
const INGEST_VS_EXPRESS = 0.5;
const INGEST_VS_EXPRESS_STRETCH = 0.65;
/** Sequential POST /track against the Express no-op's, GET /stats against the bare server's, same client. */
const SEQUENTIAL_RATIO = 1.5;
const REDIS_COMMANDS_PER_EVENT = 0.1;
const PROBE_P99_MS = 20;
const FILTERED_COLD_MS = 500;

/** The dashboard as it opens must answer in 150 ms over a million events, and in 500 ms over ten million. */
const unfilteredColdMs = (events: number) => (events > 1_000_000 ? 500 : 150);

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
const int = (value: number) => Math.round(value).toLocaleString('en-US');

export function checks(report: Omit<Report, 'checks'>): Check[] {
  const sightline = report.ingest.find((row) => row.target === 'sightline');
  const list: Check[] = [];
  const add = (name: string, target: string, value: string, pass: boolean) => list.push({ name, target, value, pass });
  const ratio = report.ratios.sightlineVsExpress;
  const stretch = ratio >= INGEST_VS_EXPRESS_STRETCH ? ' (stretch met)' : '';
  add('ingest vs Express no-op', `>= ${INGEST_VS_EXPRESS}x (stretch ${INGEST_VS_EXPRESS_STRETCH}x)`, `${ratio.toFixed(2)}x${stretch}`, ratio >= INGEST_VS_EXPRESS);
  if (sightline !== undefined) {
    const load = sightline.load;
    add('ingest p99', '<= 20 ms', `${ms(load.p99Ms)} ms`, load.p99Ms <= 20);
    add('ingest errors, timeouts, non-2xx', '0', `${load.errors + load.timeouts + load.non2xx}`, load.errors + load.timeouts + load.non2xx === 0);
  }
  const { integrity } = report;
  const expected = integrity.accepted + integrity.sequentialWrites;
  add('stored == 202 answers', `${int(expected)}`, `${int(integrity.stored)}`, integrity.stored === expected && integrity.droppedAsBot === 0);
  const { redis } = report;
  if (redis !== null) {
    const perEvent = (redis.scripts + redis.others) / redis.events;
    add(
      `Redis commands sent per ingested event under load${redis.private ? '' : ' (shared Redis: other clients counted too)'}`,
      `<= ${REDIS_COMMANDS_PER_EVENT}`,
      `${perEvent.toFixed(3)} (${int(redis.scripts)} script calls, ${int(redis.others)} others, ${int(redis.events)} events)`,
      perEvent <= REDIS_COMMANDS_PER_EVENT,
    );
  }
  if (report.reads !== null) {
    const { reads } = report;
    for (const row of reads.rows) {
      const limit = row.targetMs ?? (row.filter === null ? unfilteredColdMs(reads.historyEvents) : FILTERED_COLD_MS);
      add(`cold ${labelOf(row.query, row.filter)} p50 (${int(reads.historyEvents)} events)`, `<= ${limit} ms`, `${ms(row.cold.p50Ms)} ms`, row.cold.p50Ms <= limit);
    }
    for (const row of reads.rows) {
      const limit = 2 * reads.bareSequential.p50Ms;
      add(`cached ${labelOf(row.query, row.filter)} p50`, `<= 2x bare p50 (${ms(limit)} ms)`, `${ms(row.cached.p50Ms)} ms`, row.cached.p50Ms <= limit);
    }
    const { probe } = reads;
    add('GET /healthz p99 during cold visit breakdowns', `<= ${PROBE_P99_MS} ms`, `${ms(probe.health.p99Ms)} ms`, probe.health.p99Ms <= PROBE_P99_MS);
    add('POST /api/event p99 during cold visit breakdowns', `<= ${PROBE_P99_MS} ms`, `${ms(probe.event.p99Ms)} ms`, probe.event.p99Ms <= PROBE_P99_MS);
    add('probe requests failed or dropped', '0', `${probe.failed + probe.dropped}`, probe.failed + probe.dropped === 0);
    if (reads.loaded !== null) {
      const rss = reads.loaded.rssPeakMb;
      add(`RSS under load, ${int(reads.historyEvents)} events stored`, `<= ${LOADED_RSS_LIMIT_MB} MB`, `${rss.toFixed(0)} MB`, rss <= LOADED_RSS_LIMIT_MB);
    }
    add('RSS answering the reads and the probe', `<= ${RSS_LIMIT_MB} MB`, `${reads.readsRssPeakMb.toFixed(0)} MB`, reads.readsRssPeakMb <= RSS_LIMIT_MB);
    add('stored == history + 202 answers', `${int(reads.expectedAfterLoad)}`, `${int(reads.storedAfterLoad)}`, reads.storedAfterLoad === reads.expectedAfterLoad);
  }
  const { sequential } = report;
  const writeLimit = SEQUENTIAL_RATIO * sequential.reference.expressWriteAverageMs;
  const readLimit = SEQUENTIAL_RATIO * sequential.reference.bareReadAverageMs;
  add('sequential POST /track average', `<= ${SEQUENTIAL_RATIO}x Express no-op (${writeLimit.toFixed(3)} ms)`, `${sequential.writeAverageMs.toFixed(3)} ms`, sequential.writeAverageMs <= writeLimit);
  add('sequential GET /stats average', `<= ${SEQUENTIAL_RATIO}x bare node:http (${readLimit.toFixed(3)} ms)`, `${sequential.readAverageMs.toFixed(3)} ms`, sequential.readAverageMs <= readLimit);
  return list;
}

function ingestTable(rows: readonly IngestRow[]): string[] {
  const lines = [
    '| target | req/s | p50 ms | p99 ms | errors | non-2xx | RSS peak MB | server CPU µs/request | requests/s per core |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { target, load, rssPeakMb, cpuMsPerRequest } of rows) {
    lines.push(
      `| ${target} | ${int(load.requestsPerSecond)} | ${ms(load.p50Ms)} | ${ms(load.p99Ms)} | ${load.errors + load.timeouts} | ${load.non2xx} | ${rssPeakMb.toFixed(0)} | ` +
        `${int(cpuMsPerRequest * 1000)} | ${int(1000 / cpuMsPerRequest)} |`,
    );
  }
  return lines;
}

export function markdown(report: Report): string {
  const lines = [
    `## Sightline bench, ${report.mode} run, ${report.startedAt}`,
    '',
    `${report.machine.cpus} cores, Node ${report.machine.node}, store: ${report.machine.store}, cache: ${report.machine.cache}; load generator on the same cores; ` +
      `load average ${report.machine.loadAverage.before.toFixed(1)} before the run, ${report.machine.loadAverage.after.toFixed(1)} after.`,
    '',
    '### Ingest (POST /api/event, concurrent load)',
    '',
    ...ingestTable(report.ingest),
    '',
    `Sightline / Express no-op: **${report.ratios.sightlineVsExpress.toFixed(2)}x**; Sightline / bare node:http: **${report.ratios.sightlineVsBare.toFixed(2)}x**.`,
    '',
  ];
  if (report.reads !== null) {
    const { reads } = report;
    const { probe } = reads;
    lines.push(
      `### Stats over ${int(reads.historyEvents)} events (${reads.api}, one client, sequential)`,
      '',
      `Site in ${reads.timezone}; the history took ${reads.historySeconds.toFixed(1)} s to write through insertEvents.`,
      '',
      '| view | query | cold p50 ms | cold p99 ms | cold samples | cached p50 ms | cached p99 ms |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      ...reads.rows.map(
        (row) =>
          `| ${row.filter ?? 'unfiltered'} | ${row.query} | ${ms(row.cold.p50Ms)} | ${ms(row.cold.p99Ms)} | ${row.cold.samples} | ${ms(row.cached.p50Ms)} | ${ms(row.cached.p99Ms)} |`,
      ),
      `| | bare node:http (reference) | | | | ${ms(reads.bareSequential.p50Ms)} | ${ms(reads.bareSequential.p99Ms)} |`,
      '',
      `While the server computed ${probe.heavyReads} cold visit breakdowns (${probe.rounds} rounds, each sent at once over up to six connections, ${probe.seconds.toFixed(1)} s):`,
      '',
      '| probe, own connection | samples | p50 ms | p99 ms |',
      '| --- | ---: | ---: | ---: |',
      `| GET /healthz | ${probe.health.samples} | ${ms(probe.health.p50Ms)} | ${ms(probe.health.p99Ms)} |`,
      `| POST /api/event (202, stored) | ${probe.event.samples} | ${ms(probe.event.p50Ms)} | ${ms(probe.event.p99Ms)} |`,
      '',
      `Peak RSS of the server answering these reads and the probe: ${reads.readsRssPeakMb.toFixed(0)} MB.`,
      '',
    );
    if (reads.loaded !== null) lines.push('Ingest load with that history stored:', '', ...ingestTable([reads.loaded]), '');
  }
  lines.push(
    `### Sequential, one client (examples/scripts, ${report.sequential.requests} requests each)`,
    '',
    `POST /track average **${report.sequential.writeAverageMs.toFixed(3)} ms**; GET /stats average **${report.sequential.readAverageMs.toFixed(3)} ms** (the original quoted 5.0 and 4.8 ms).`,
    '',
    `The same write script in this run against the bare node:http server: ${report.sequential.reference.bareWriteAverageMs.toFixed(3)} ms; against the Express no-op: ${report.sequential.reference.expressWriteAverageMs.toFixed(3)} ms. ` +
      `The read script against the bare node:http server: ${report.sequential.reference.bareReadAverageMs.toFixed(3)} ms.`,
    '',
    report.redis === null
      ? 'No Redis in this run (--no-redis): limits, visits and cached answers in process memory.'
      : `Redis during the ingest load: ${int(report.redis.scripts)} script calls and ${int(report.redis.others)} other commands for ${int(report.redis.events)} events acknowledged; ` +
        `${int(report.redis.all)} commands counted by INFO commandstats, the scripts' own included.`,
    '',
    '### Targets',
    '',
    '| check | target | measured | |',
    '| --- | --- | ---: | --- |',
    ...report.checks.map((check) => `| ${check.name} | ${check.target} | ${check.value} | ${check.pass ? 'PASS' : 'FAIL'} |`),
    '',
  );
  return lines.join('\n');
}
