/** Runs the load generator in a child process and reads back its results. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

export interface LoadPlan {
  port: number;
  path: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  seed: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  /** How long the measured part ran. */
  seconds: number;
  requests: number;
  /** Every response, warm-up included. */
  responses: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Every 202 seen, warm-up included: what the store must hold afterwards. */
  accepted: number;
  /** Answers that said the event was dropped as a bot; realistic traffic has none. */
  dropped: number;
}

export async function generateLoad(plan: LoadPlan): Promise<LoadResult> {
  const bound = (plan.warmupSeconds + plan.seconds + 30) * 1000;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(plan)], {
    timeout: bound,
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as LoadResult;
}
