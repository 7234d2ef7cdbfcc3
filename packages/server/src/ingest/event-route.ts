/** POST /api/event: the tracker's endpoint. Answers 202 with no body once the event is durable. */
import { LIMITS, parseEventPayload } from '@sightline/shared';
import { Router, type RequestHandler } from 'express';
import cors from 'cors';
import { HttpError } from '../http/errors.js';
import { issuesOf } from '../http/parse.js';
import { jsonBody } from '../http/json-body.js';
import { limitByIp, type RateLimits } from '../http/rate-limit.js';
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
 * A beacon is a no-cors request, so the resource policy decides whether the browser accepts the
 * answer; helmet's same-origin default makes Chrome block it and log an error on the customer's page.
 */
const crossOriginAnswer: RequestHandler = (_req, res, next) => {
  res.set('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
};

export function eventRoute(deps: IngestDeps): Router {
  const router = Router();
  router.options('/api/event', crossOriginAnswer, ingestCors);
  router.post('/api/event', crossOriginAnswer, ingestCors, limitByIp(deps.limits.ingestIp), ...jsonBody(LIMITS.maxBodyBytes), async (req, res) => {
    const parsed = parseEventPayload(req.body);
    if (!parsed.success) throw new HttpError(400, 'invalid event', issuesOf(parsed.error));
    const payload = parsed.data;
    if ((await deps.sites.get(payload.site)) === null) {
      throw new HttpError(404, `unknown site ${payload.site}: register it first (POST /api/sites or pnpm sightline site add)`);
    }
    await deps.limits.ingestSite.take(payload.site);
    const outcome = await recordEvent(deps, payload, {
      ip: req.ip ?? '',
      userAgent: req.get('user-agent') ?? '',
    }).catch((error: unknown) => {
      throw storeUnavailable(error);
    });
    // Dropped events are answered like everyone else so senders learn nothing; the header says why nothing was kept.
    if (outcome !== 'stored') res.set('X-Sightline-Dropped', outcome);
    res.status(202).end();
  });
  return router;
}
