/** POST /api/event: the tracker's endpoint. Answers 202 with no body once the event is committed. */
import { LIMITS, parseEventPayload } from '@sightline/shared';
import { Router, type RequestHandler, type Response } from 'express';
import cors from 'cors';
import { HttpError } from '../http/errors.js';
import { issuesOf } from '../http/parse.js';
import { jsonBody } from '../http/json-body.js';
import { limitByIp, type IpLimit, type RateLimits } from '../http/rate-limit.js';
import type { SiteDirectory } from '../sites/site-directory.js';
import { recordEvent, type RecordDeps } from './record-event.js';
import { storeUnavailable } from './store-unavailable.js';

export interface IngestDeps extends RecordDeps {
  sites: SiteDirectory;
  limits: RateLimits;
}

/** Any page on any origin may send events; it never needs to read the (empty) answer or send credentials. */
export const ingestCors = cors({ origin: '*', methods: ['POST'], maxAge: 86_400 });

/**
 * The ingest routes are mounted ahead of helmet and the page routes, the hottest path skipping
 * their work: answers are empty or short JSON errors, for which these headers are the whole
 * policy. A beacon is a no-cors request, so the resource policy decides whether the browser
 * accepts the answer; same-origin would make Chrome block it and log an error on the customer's page.
 */
const INGEST_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export const ingestHeaders: RequestHandler = (_req, res, next) => {
  res.set(INGEST_HEADERS);
  next();
};

/**
 * The address's limit, then the site's: a request its address may not make must not use up the
 * site's budget. The address was counted while the body was read, so its verdict is usually in.
 * The caller awaits the result when it must; a refusal meanwhile is not an unhandled rejection.
 */
export function admit(limits: RateLimits, ipLimit: IpLimit, res: Response, site: string): Promise<void> {
  const admitted = ipLimit.settled(res).then(() => limits.ingestSite.take(site));
  admitted.catch(() => undefined);
  return admitted;
}

export function eventRoute(deps: IngestDeps): Router {
  const router = Router();
  const ipLimit = limitByIp(deps.limits.ingestIp);
  router.options('/api/event', ingestHeaders, ingestCors);
  const record: RequestHandler = async (req, res) => {
    const parsed = parseEventPayload(req.body);
    if (!parsed.success) throw new HttpError(400, 'invalid event', issuesOf(parsed.error));
    const payload = parsed.data;
    if ((await deps.sites.get(payload.site)) === null) {
      throw new HttpError(404, `unknown site ${payload.site}: register it first (POST /api/sites or pnpm sightline site add)`);
    }
    const outcome = await recordEvent(deps, payload, {
      ip: req.ip ?? '',
      userAgent: req.get('user-agent') ?? '',
      admitted: admit(deps.limits, ipLimit, res, payload.site),
    }).catch((error: unknown) => {
      throw storeUnavailable(error);
    });
    // Dropped events are answered like everyone else so senders learn nothing; the header says why nothing was kept.
    if (outcome !== 'stored') res.set('X-Sightline-Dropped', outcome);
    res.status(202).end();
  };
  router.post('/api/event', ingestHeaders, ingestCors, ipLimit.start, ...jsonBody(LIMITS.maxBodyBytes), record, ipLimit.refuseFirst);
  return router;
}
