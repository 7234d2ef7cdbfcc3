/**
 * The load generator, run in its own process so it never shares an event loop with a target.
 * Reads its plan as JSON from argv, fires page views with autocannon for a bounded time,
 * and prints one JSON line with the results.
 *
 * Runs are bounded by a request count sized from the warm-up's rate rather than by a timer:
 * a timed run abandons the requests in flight when it stops, which the server may still have
 * committed, and then "stored == answered 202" could not be checked exactly.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { seeded, type Random } from '../prng.js';
import { pageView } from '../traffic.js';
import type { LoadPlan, LoadResult } from './load.js';

interface Counts {
  responses: number;
  accepted: number;
  dropped: number;
  /** When the latest response arrived: autocannon notices it is done only on its next one-second tick. */
  lastAt: number;
}

function fire(plan: LoadPlan, random: Random, amount: number, counts: Counts) {
  return autocannon({
    url: `http://127.0.0.1:${plan.port}`,
    connections: plan.connections,
    amount,
    requests: [
      {
        method: 'POST',
        path: plan.path,
        setupRequest: (request) => {
          const view = pageView(random);
          return {
            ...request,
            body: view.body,
            headers: { 'content-type': 'text/plain', 'user-agent': view.userAgent, 'x-forwarded-for': view.clientIp },
          };
        },
        onResponse: (status, _body, _context, headers) => {
          counts.responses += 1;
          counts.lastAt = performance.now();
          if (status === 202) counts.accepted += 1;
          if (headers?.['x-sightline-dropped'] !== undefined) counts.dropped += 1;
        },
      },
    ],
  });
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '') as LoadPlan;
  const counts: Counts = { responses: 0, accepted: 0, dropped: 0, lastAt: 0 };
  const random = seeded(plan.seed);
  // Warm up until the target's JIT has settled for warmupSeconds, doubling each round.
  let amount = plan.connections * 50;
  let rate = 0;
  for (let warmed = 0; warmed < plan.warmupSeconds; amount *= 2) {
    const [before, started] = [counts.responses, performance.now()];
    await fire(plan, random, amount, counts);
    const seconds = (counts.lastAt - started) / 1000;
    warmed += seconds;
    rate = (counts.responses - before) / seconds;
  }
  // autocannon's own request total leaves out the last partial second, so responses are counted here.
  const [before, started] = [counts.responses, performance.now()];
  const result = await fire(plan, random, Math.max(plan.connections * 20, Math.round(rate * plan.seconds)), counts);
  const seconds = (counts.lastAt - started) / 1000;
  const summary: LoadResult = {
    requestsPerSecond: (counts.responses - before) / seconds,
    seconds,
    requests: counts.responses - before,
    responses: counts.responses,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    accepted: counts.accepted,
    dropped: counts.dropped,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
