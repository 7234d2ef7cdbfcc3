/**
 * Does the server stay responsive while it computes the dashboard's heaviest answers? Rounds of
 * cold visit breakdowns are sent at once, as a dashboard opening its panels does (over as many
 * connections as a browser opens to one host), and meanwhile a probe on its own connection
 * alternates GET /healthz and a real page view to POST /api/event, timing each. Bounded by
 * samples, rounds and time, whichever comes first.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { seeded } from '../prng.js';
import { Client, summarize, type LatencySummary } from '../sequential.js';
import { pageView } from '../traffic.js';
import { labelOf, type Query } from './queries.js';
import type { FreshRanges } from './ranges.js';
import { timedRead } from './timed-read.js';

/** Browsers open at most six connections to one host. */
const BROWSER_CONNECTIONS = 6;
/** A probe every few milliseconds samples the server often without adding load of its own. */
const PACE_MS = 5;

export interface ProbePlan {
  port: number;
  site: string;
  key: string;
  heavy: readonly Query[];
  ranges: FreshRanges;
  /** Samples of each probe; the reads stop once the probe has them. */
  samples: number;
  rounds: number;
  seconds: number;
  seed: number;
}

export interface ProbeResult {
  health: LatencySummary;
  event: LatencySummary;
  /** Events answered 202: stored, so the count after the run includes them. */
  accepted: number;
  /** Answered 202 but dropped (as a bot, say): realistic traffic has none. */
  dropped: number;
  /** Probe requests answered anything but 200 (health) or 202 (event). */
  failed: number;
  rounds: number;
  heavyReads: number;
  seconds: number;
}

export async function probeUnderReads(plan: ProbePlan): Promise<ProbeResult> {
  const readers = new Client(BROWSER_CONNECTIONS);
  const prober = new Client();
  const random = seeded(plan.seed);
  const health: number[] = [];
  const event: number[] = [];
  const counts = { accepted: 0, dropped: 0, failed: 0, rounds: 0, heavyReads: 0 };
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let reading = true;

  const read = async () => {
    try {
      do {
        await Promise.all(
          plan.heavy.map(async (query) => {
            const [from, to] = plan.ranges.next(labelOf(query.name, query.filter));
            await timedRead(readers, plan.port, query.path(plan.site, from, to), 'miss', plan.key);
            counts.heavyReads += 1;
          }),
        );
        counts.rounds += 1;
      } while (counts.rounds < plan.rounds && elapsed() < plan.seconds * 1000 && health.length < plan.samples);
    } finally {
      reading = false;
    }
  };

  const probe = async () => {
    while (reading && health.length < plan.samples && elapsed() < plan.seconds * 1000) {
      const healthz = await prober.request(plan.port, 'GET', '/healthz');
      if (healthz.status === 200) health.push(healthz.ms);
      else counts.failed += 1;
      const view = pageView(random);
      const answer = await prober.request(plan.port, 'POST', '/api/event', view.body, {
        'content-type': 'text/plain',
        'user-agent': view.userAgent,
        'x-forwarded-for': view.clientIp,
      });
      if (answer.status === 202) {
        event.push(answer.ms);
        counts.accepted += 1;
        if (answer.headers['x-sightline-dropped'] !== undefined) counts.dropped += 1;
      } else counts.failed += 1;
      await sleep(PACE_MS);
    }
  };

  try {
    await Promise.all([read(), probe()]);
  } finally {
    readers.close();
    prober.close();
  }
  return { health: summarize(health), event: summarize(event), ...counts, seconds: elapsed() / 1000 };
}
