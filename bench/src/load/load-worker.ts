/**
 * The load generator, run in its own process so it never shares an event loop with a target.
 * Reads its plan as JSON from argv, fires page views with autocannon for a bounded time,
 * and prints one JSON line with the results.
 */
import autocannon from 'autocannon';
import { seeded } from '../prng.js';
import { pageView } from '../traffic.js';
import type { LoadPlan, LoadResult } from './load.js';

function fire(plan: LoadPlan, seconds: number, counts: { accepted: number; dropped: number }) {
  const random = seeded(plan.seed);
  return autocannon({
    url: `http://127.0.0.1:${plan.port}`,
    connections: plan.connections,
    duration: seconds,
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
          if (status === 202) counts.accepted += 1;
          if (headers?.['x-sightline-dropped'] !== undefined) counts.dropped += 1;
        },
      },
    ],
  });
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '') as LoadPlan;
  const counts = { accepted: 0, dropped: 0 };
  if (plan.warmupSeconds > 0) await fire(plan, plan.warmupSeconds, counts);
  const result = await fire(plan, plan.seconds, counts);
  const summary: LoadResult = {
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
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
