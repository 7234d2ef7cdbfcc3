/**
 * POST /track: the first version's API, kept so its examples work unchanged. It records a
 * pageview of `page_id` on the configured default site, from a server rather than a browser.
 */
import { PAGEVIEW, TrackRequestSchema } from '@sightline/shared';
import express, { Router, type RequestHandler } from 'express';
import { HttpError } from '../http/errors.js';
import { parseOr400 } from '../http/parse.js';
import { limitByIp } from '../http/rate-limit.js';
import { recordEvent } from './record-event.js';
import { admit, ingestHeaders, type IngestDeps } from './event-route.js';
import { storeUnavailable } from './store-unavailable.js';

const ACCEPTED = JSON.stringify({ status: 'ok' });

export function trackRoute(deps: IngestDeps, defaultSite: string | undefined): Router {
  const router = Router();
  const ipLimit = limitByIp(deps.limits.ingestIp);
  const record: RequestHandler = async (req, res) => {
    const request = parseOr400(TrackRequestSchema, req.body ?? {}, 'track request');
    if (defaultSite === undefined || (await deps.sites.get(defaultSite)) === null) {
      throw new HttpError(404, 'no default site: set DEFAULT_SITE to a registered site to use /track');
    }
    const path = request.page_id.startsWith('/') ? request.page_id : `/${request.page_id}`;
    const payload = {
      site: defaultSite,
      name: PAGEVIEW,
      url: new URL(path, `https://${defaultSite}`).href,
      ...(request.user_id === undefined ? {} : { user_id: request.user_id }),
    };
    const context = {
      ip: req.ip ?? '',
      userAgent: req.get('user-agent') ?? '',
      trusted: true,
      admitted: admit(deps.limits, ipLimit, res, defaultSite),
    };
    await recordEvent(deps, payload, context).catch(
      (error: unknown) => {
        throw storeUnavailable(error);
      },
    );
    // A string is written with the headers at once; res.json would send the body in a second write.
    res.status(202).set('Content-Type', 'application/json; charset=utf-8').end(ACCEPTED);
  };
  router.post('/track', ingestHeaders, ipLimit.start, express.json({ limit: '8kb' }), record, ipLimit.refuseFirst);
  return router;
}
