/**
 * `pnpm bench [--quick] [--events N] [--skip-reads] [--profile] [--store sqlite|mongo] [--no-redis]`: measures Sightline against a
 * bare node:http server and an Express no-op in the same run, checks that every acknowledged
 * event was stored, measures the dashboard's stats reads over a generated history of N events
 * and the server's responsiveness while it computes them, prints a markdown table and writes it
 * with the JSON under bench/results/. `--store mongo` runs Sightline's ingest and reads on the
 * MongoDB at MONGODB_URI, each part in a database of its own (sightline_bench_<pid>_<part>), whose
 * events are deleted at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { averageOf } from './examples.js';
import { generateLoad, type LoadPlan } from './load/load.js';
import { freePort, Service } from './processes.js';
import { checks, markdown, type IngestRow, type Report } from './report.js';
import { measureReads } from './reads/measure.js';
import { commandCalls, commandsBetween, startBenchRedis } from './redis.js';
import { closeConnections, request, summarize } from './sequential.js';
import { countStored, eraseBenchSite, registerSite, startSightline, withDatabase, type BenchStore, type SightlineOptions } from './sightline.js';
import { BENCH_SITE } from './traffic.js';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = path.join(BENCH_DIR, 'results');

/**
 * Cold samples stop at `coldSamples`, or once a query has had its `coldBudgetSeconds` (and at
 * least three samples): a visit breakdown that takes seconds would otherwise hold a full run up
 * for minutes. The probe stops at whichever of its bounds comes first.
 */
const PROFILES = {
  full: {
    seconds: 10,
    warmupSeconds: 2,
    connections: 16,
    historyEvents: 1_000_000,
    readSamples: 200,
    coldSamples: 10,
    coldBudgetSeconds: 6,
    probe: { samples: 500, rounds: 5, seconds: 60 },
    sequential: 1000,
  },
  quick: {
    seconds: 2,
    warmupSeconds: 0.5,
    connections: 8,
    historyEvents: 20_000,
    readSamples: 20,
    coldSamples: 5,
    coldBudgetSeconds: 2,
    probe: { samples: 100, rounds: 10, seconds: 5 },
    sequential: 50,
  },
};
export type Profile = (typeof PROFILES)['full'];

function historyEvents(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const events = Number(value);
  if (!Number.isSafeInteger(events) || events < 1) throw new Error(`--events must be a positive whole number, not ${value}`);
  return events;
}

const SEED = 20_260_101;

async function loadTarget(name: string, service: Service, profile: Profile): Promise<IngestRow> {
  const plan: LoadPlan = {
    port: service.port,
    path: '/api/event',
    connections: profile.connections,
    warmupSeconds: profile.warmupSeconds,
    seconds: profile.seconds,
    seed: SEED,
  };
  const cpuBefore = service.cpuSeconds();
  const load = await generateLoad(plan);
  const cpuMsPerRequest = ((service.cpuSeconds() - cpuBefore) * 1000) / load.responses;
  return { target: name, load, rssPeakMb: service.peakRssMb(), cpuMsPerRequest };
}

async function startTarget(name: string, file: string): Promise<Service> {
  const port = await freePort();
  return Service.start(name, ['--import', 'tsx', path.join(BENCH_DIR, 'src/targets', file)], { port, env: { PORT: String(port) }, cwd: BENCH_DIR });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      events: { type: 'string' },
      'skip-reads': { type: 'boolean' },
      profile: { type: 'boolean' },
      store: { type: 'string', default: 'sqlite' },
      'no-redis': { type: 'boolean' },
    },
  });
  const mongoUri = process.env.MONGODB_URI;
  if (values.store !== 'sqlite' && values.store !== 'mongo') throw new Error('--store must be sqlite or mongo');
  if (values.store === 'mongo' && (mongoUri === undefined || mongoUri === '')) throw new Error('--store mongo needs MONGODB_URI');
  const storeOf = (name: string): BenchStore =>
    values.store === 'mongo' ? { kind: 'mongo', uri: withDatabase(mongoUri!, `sightline_bench_${process.pid}_${name}`) } : { kind: 'sqlite' };
  const mode = values.quick ? 'quick' : 'full';
  const profile = { ...PROFILES[mode], historyEvents: historyEvents(values.events, PROFILES[mode].historyEvents) };
  const startedAt = new Date().toISOString();
  const loadBefore = os.loadavg()[0]!;
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-'));
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.replace(/[:.]/g, '-');
  const nodeArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(RESULTS_DIR, `profiles-${stamp}`)}`] : [];
  const redis = values['no-redis'] ? undefined : await startBenchRedis(process.env.REDIS_URL);
  const redisUrl = redis?.url;
  const adminToken = randomBytes(24).toString('hex');
  const sightlineOptions = (name: string): SightlineOptions => ({
    dataDir: path.join(runDir, name),
    store: storeOf(name),
    redisUrl,
    redisPrefix: `sightline-bench:${process.pid}:${name}:`,
    site: BENCH_SITE,
    adminToken,
  });

  const used: SightlineOptions[] = [];
  const options = (name: string) => {
    const made = sightlineOptions(name);
    used.push(made);
    return made;
  };

  try {
    console.error(`bench: ${mode} run on ${values.store === 'mongo' ? 'MongoDB' : 'SQLite'}, working in ${runDir}`);
    const bare = await startTarget('bare node:http', 'bare-http.ts');
    for (let i = 0; i < profile.readSamples; i++) await request(bare.port, 'GET', '/');
    const bareSequential = [];
    for (let i = 0; i < profile.readSamples; i++) bareSequential.push((await request(bare.port, 'GET', '/')).ms);
    closeConnections();
    const bareWriteAverageMs = await averageOf('send-multiple-tracks', profile.sequential, bare.port);
    const bareReadAverageMs = await averageOf('read-multiple-tracks', profile.sequential, bare.port);
    const ingest: IngestRow[] = [await loadTarget('bare node:http', bare, profile)];
    await bare.stop();

    const express = await startTarget('Express no-op', 'express-noop.ts');
    const expressWriteAverageMs = await averageOf('send-multiple-tracks', profile.sequential, express.port);
    ingest.push(await loadTarget('Express no-op', express, profile));
    await express.stop();

    const fresh = options('ingest');
    await registerSite(fresh);
    const sightline = await startSightline(fresh, nodeArgs);
    console.error('bench: sequential scripts');
    const writeAverageMs = await averageOf('send-multiple-tracks', profile.sequential, sightline.port);
    const readAverageMs = await averageOf('read-multiple-tracks', profile.sequential, sightline.port);
    console.error('bench: ingest load');
    const callsBefore = redisUrl === undefined ? undefined : await commandCalls(redisUrl);
    const sightlineRow = await loadTarget('sightline', sightline, profile);
    const commands = redisUrl === undefined || callsBefore === undefined ? undefined : commandsBetween(callsBefore, await commandCalls(redisUrl));
    ingest.push(sightlineRow);
    const exitCode = await sightline.stop();
    if (exitCode !== 0) throw new Error(`sightline exited with ${exitCode}:\n${sightline.log}`);
    const stored = await countStored(fresh, BENCH_SITE);

    const reads = values['skip-reads']
      ? null
      : await measureReads({ options: options('reads'), profile, seed: SEED, bareSequential: summarize(bareSequential), nodeArgs, loadTarget });

    const rate = (name: string) => ingest.find((row) => row.target === name)?.load.requestsPerSecond ?? Number.NaN;
    const partial: Omit<Report, 'checks'> = {
      startedAt,
      mode,
      machine: {
        cpus: os.availableParallelism(),
        node: process.versions.node,
        cache: redis === undefined ? 'none (in-process limits, visits and cache)' : redis.private ? `Redis of the bench's own (${redis.url})` : `Redis at ${redis.url}, shared with other clients`,
        store: values.store === 'mongo' ? 'MongoDB' : 'SQLite',
        loadAverage: { before: loadBefore, after: os.loadavg()[0]! },
      },
      ingest,
      ratios: { sightlineVsExpress: rate('sightline') / rate('Express no-op'), sightlineVsBare: rate('sightline') / rate('bare node:http') },
      integrity: { accepted: sightlineRow.load.accepted, sequentialWrites: profile.sequential, stored, droppedAsBot: sightlineRow.load.dropped },
      redis: commands === undefined || redis === undefined ? null : { ...commands, events: sightlineRow.load.accepted, private: redis.private },
      reads,
      sequential: {
        writeAverageMs,
        readAverageMs,
        requests: profile.sequential,
        reference: { bareWriteAverageMs, expressWriteAverageMs, bareReadAverageMs },
      },
    };
    const report: Report = { ...partial, checks: checks(partial) };
    const table = markdown(report);
    writeFileSync(path.join(RESULTS_DIR, `${stamp}-${mode}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(RESULTS_DIR, `${stamp}-${mode}.md`), table);
    writeFileSync(path.join(RESULTS_DIR, `latest-${mode}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(RESULTS_DIR, `latest-${mode}.md`), table);
    console.log(table);
  } finally {
    await Service.stopAll();
    await redis?.stop();
    for (const part of used) await eraseBenchSite(part, BENCH_SITE).catch((error: unknown) => console.error(`bench: could not erase ${part.dataDir}'s events:`, error));
    rmSync(runDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('bench failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
