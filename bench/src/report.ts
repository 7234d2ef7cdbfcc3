/** The run's results as a markdown table with PASS/FAIL beside each target, and as JSON. */
import type { LoadResult } from './load/load.js';
import type { LatencySummary } from './sequential.js';

export interface IngestRow {
  target: string;
  load: LoadResult;
  rssPeakMb: number;
}

export interface ReadRow {
  query: string;
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
  machine: { cpus: number; node: string; cache: string; loadAverage: { before: number; after: number } };
  ingest: IngestRow[];
  ratios: { sightlineVsExpress: number; sightlineVsBare: number };
  integrity: { accepted: number; sequentialWrites: number; stored: number; droppedAsBot: number };
  reads: {
    historyEvents: number;
    api: string;
    bareSequential: LatencySummary;
    rows: ReadRow[];
    /** Peak memory of the server that answered the reads (a separate process from the loaded one). */
    readsRssPeakMb: number;
    loaded: IngestRow | null;
    storedAfterLoad: number;
    expectedAfterLoad: number;
  } | null;
  sequential: {
    writeAverageMs: number;
    readAverageMs: number;
    requests: number;
    /** The same write script against the bare and the Express no-op servers in the same run. */
    reference: { bareWriteAverageMs: number; expressWriteAverageMs: number };
  };
  checks: Check[];
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
const int = (value: number) => Math.round(value).toLocaleString('en-US');

export function checks(report: Omit<Report, 'checks'>): Check[] {
  const sightline = report.ingest.find((row) => row.target === 'sightline');
  const list: Check[] = [];
  const add = (name: string, target: string, value: string, pass: boolean) => list.push({ name, target, value, pass });
  add('ingest vs Express no-op', '>= 0.80x (stretch 1.0x)', `${report.ratios.sightlineVsExpress.toFixed(2)}x`, report.ratios.sightlineVsExpress >= 0.8);
  if (sightline !== undefined) {
    const load = sightline.load;
    add('ingest p99', '< 20 ms', `${ms(load.p99Ms)} ms`, load.p99Ms < 20);
    add('ingest errors, timeouts, non-2xx', '0', `${load.errors + load.timeouts + load.non2xx}`, load.errors + load.timeouts + load.non2xx === 0);
  }
  const { integrity } = report;
  const expected = integrity.accepted + integrity.sequentialWrites;
  add('stored == 202 answers', `${int(expected)}`, `${int(integrity.stored)}`, integrity.stored === expected && integrity.droppedAsBot === 0);
  if (report.reads !== null) {
    const { reads } = report;
    for (const row of reads.rows) {
      add(`cold ${row.query} p50 (${int(reads.historyEvents)} events)`, '<= 150 ms', `${ms(row.cold.p50Ms)} ms`, row.cold.p50Ms <= 150);
    }
    for (const row of reads.rows) {
      const limit = 2 * reads.bareSequential.p50Ms;
      add(`cached ${row.query} p50`, `<= 2x bare p50 (${ms(limit)} ms)`, `${ms(row.cached.p50Ms)} ms`, row.cached.p50Ms <= limit);
    }
    if (reads.loaded !== null) {
      add(`RSS under load, ${int(reads.historyEvents)} events stored`, '<= 250 MB', `${reads.loaded.rssPeakMb.toFixed(0)} MB`, reads.loaded.rssPeakMb <= 250);
      add('stored == history + 202 answers', `${int(reads.expectedAfterLoad)}`, `${int(reads.storedAfterLoad)}`, reads.storedAfterLoad === reads.expectedAfterLoad);
    }
  }
  add('sequential write average', '<= 0.50 ms (5.0 / 10)', `${report.sequential.writeAverageMs.toFixed(3)} ms`, report.sequential.writeAverageMs <= 0.5);
  add('sequential read average', '<= 0.48 ms (4.8 / 10)', `${report.sequential.readAverageMs.toFixed(3)} ms`, report.sequential.readAverageMs <= 0.48);
  return list;
}

function ingestTable(rows: readonly IngestRow[]): string[] {
  const lines = ['| target | req/s | p50 ms | p99 ms | errors | non-2xx | RSS peak MB |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const { target, load, rssPeakMb } of rows) {
    lines.push(
      `| ${target} | ${int(load.requestsPerSecond)} | ${ms(load.p50Ms)} | ${ms(load.p99Ms)} | ${load.errors + load.timeouts} | ${load.non2xx} | ${rssPeakMb.toFixed(0)} |`,
    );
  }
  return lines;
}

export function markdown(report: Report): string {
  const lines = [
    `## Sightline bench, ${report.mode} run, ${report.startedAt}`,
    '',
    `${report.machine.cpus} cores, Node ${report.machine.node}, cache: ${report.machine.cache}; load generator on the same cores; ` +
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
    lines.push(
      `### Stats over ${int(reads.historyEvents)} events (${reads.api}, one client, sequential)`,
      '',
      '| query | cold p50 ms | cold p99 ms | cached p50 ms | cached p99 ms |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...reads.rows.map((row) => `| ${row.query} | ${ms(row.cold.p50Ms)} | ${ms(row.cold.p99Ms)} | ${ms(row.cached.p50Ms)} | ${ms(row.cached.p99Ms)} |`),
      `| bare node:http (reference) | | | ${ms(reads.bareSequential.p50Ms)} | ${ms(reads.bareSequential.p99Ms)} |`,
      '',
      `Peak RSS of the server answering these reads: ${reads.readsRssPeakMb.toFixed(0)} MB.`,
      '',
    );
    if (reads.loaded !== null) lines.push('Ingest load with that history stored:', '', ...ingestTable([reads.loaded]), '');
  }
  lines.push(
    `### Sequential, one client (examples/scripts, ${report.sequential.requests} requests each)`,
    '',
    `POST /track average **${report.sequential.writeAverageMs.toFixed(3)} ms**; GET /stats average **${report.sequential.readAverageMs.toFixed(3)} ms** (the original quoted 5.0 and 4.8 ms).`,
    '',
    `The same write script in this run against the bare node:http server: ${report.sequential.reference.bareWriteAverageMs.toFixed(3)} ms; against the Express no-op: ${report.sequential.reference.expressWriteAverageMs.toFixed(3)} ms.`,
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
