/**
 * `pnpm bench --quick` end to end: it builds, runs every target on a small load, and leaves
 * its table and JSON under bench/results/. Timings are not asserted (they are noise here, and a
 * quick history is too small for the targets to mean anything); the run's own correctness checks
 * are: the dashboard's whole query set and the probe ran, no failed request, and every 202 stored.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DASHBOARD_QUERIES } from '../src/reads/queries.js';
import type { Report } from '../src/report.js';

const run = promisify(execFile);
const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ROOT = path.dirname(BENCH_DIR);

/** The pnpm running this test when there is one, else the pinned one. */
function pnpm(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm/.test(path.basename(execPath))) {
    // pnpm ships both as a script and as a native executable.
    return /\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath]] : [execPath, []];
  }
  return ['npx', ['-y', 'pnpm@12.4.2']];
}

describe('pnpm bench --quick', () => {
  const started = new Date();
  let stdout = '';
  let report: Report;

  beforeAll(async () => {
    const [command, prefix] = pnpm();
    ({ stdout } = await run(command, [...prefix, 'bench', '--quick'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 150_000 }));
    report = JSON.parse(readFileSync(path.join(BENCH_DIR, 'results/latest-quick.json'), 'utf8')) as Report;
  }, 160_000);

  it('prints the markdown table it writes to bench/results', () => {
    const table = readFileSync(path.join(BENCH_DIR, 'results/latest-quick.md'), 'utf8');
    expect(stdout).toContain(table.trim());
    expect(table).toMatch(/^\| target \| req\/s \| p50 ms \| p99 ms \| errors \| non-2xx \| RSS peak MB \| server CPU µs\/request \| requests\/s per core \|$/m);
    expect(table).toMatch(/^\| check \| target \| measured \| \|$/m);
    for (const check of report.checks) {
      expect(table).toContain(`| ${check.name} | ${check.target} | ${check.value} | ${check.pass ? 'PASS' : 'FAIL'} |`);
    }
  });

  it('is a fresh quick run that measured all three targets, reads and the example scripts', () => {
    expect(new Date(report.startedAt).getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
    expect(report.mode).toBe('quick');
    expect(report.ingest.map((row) => row.target)).toEqual(['bare node:http', 'Express no-op', 'sightline']);
    for (const row of report.ingest) {
      expect(row.load.requests).toBeGreaterThan(0);
      expect(row.rssPeakMb).toBeGreaterThan(0);
    }
    expect(report.reads?.rows.map((row) => [row.filter, row.query])).toEqual(DASHBOARD_QUERIES.map((query) => [query.filter, query.name]));
    for (const row of report.reads?.rows ?? []) expect(row.cold.samples).toBeGreaterThanOrEqual(3);
    expect(report.reads?.timezone).toBe('Europe/Berlin');
    expect(report.reads?.probe.health.samples).toBeGreaterThan(0);
    expect(report.reads?.probe.event.samples).toBeGreaterThan(0);
    expect(report.reads?.probe.heavyReads).toBeGreaterThan(0);
    expect(report.sequential.writeAverageMs).toBeGreaterThan(0);
    expect(report.sequential.readAverageMs).toBeGreaterThan(0);
    expect(report.sequential.reference.bareWriteAverageMs).toBeGreaterThan(0);
    expect(report.sequential.reference.expressWriteAverageMs).toBeGreaterThan(0);
    expect(report.sequential.reference.bareReadAverageMs).toBeGreaterThan(0);
    expect(report.redis?.events).toBe(report.integrity.accepted);
    expect(report.redis?.scripts).toBeGreaterThan(0);
  });

  it('lost no request and stored exactly the events it acknowledged', () => {
    const sightline = report.ingest.find((row) => row.target === 'sightline')!;
    expect(sightline.load.errors + sightline.load.timeouts + sightline.load.non2xx).toBe(0);
    expect(report.integrity.droppedAsBot).toBe(0);
    expect(report.integrity.stored).toBe(report.integrity.accepted + report.integrity.sequentialWrites);
    expect(report.reads?.probe.failed).toBe(0);
    expect(report.reads?.probe.dropped).toBe(0);
    expect(report.reads?.probe.accepted).toBe(report.reads?.probe.event.samples);
    expect(report.reads?.storedAfterLoad).toBe(report.reads?.expectedAfterLoad);
  });
});
