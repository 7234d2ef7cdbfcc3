/**
 * POST /track: the first version's API, kept so its examples work unchanged. It records a
 * pageview of `page_id` on the configured default site, from a server rather than a browser.
 */
import { PAGEVIEW, TrackRequestSchema } from '@sightline/shared';
import express, { Router } from 'express';
import { HttpError } from '../http/errors.js';
import { parseOr400 } from '../http/parse.js';
import { limitByIp } from '../http/rate-limit.js';
import { recordEvent } from './record-event.js';
import type { IngestDeps } from './event-route.js';
import { storeUnavailable } from './store-unavailable.js';

export function trackRoute(deps: IngestDeps, defaultSite: string | undefined): Router {
  const router = Router();
  router.post('/track', limitByIp(deps.limits.ingestIp), express.json({ limit: '8kb' }), async (req, res) => {
    const request = parseOr400(TrackRequestSchema, req.body ?? {}, 'track request');
    if (defaultSite === undefined || (await deps.sites.get(defaultSite)) === null) {
      throw new HttpError(404, 'no default site: set DEFAULT_SITE to a registered site to use /track');
    }
    await deps.limits.ingestSite.take(defaultSite);
    const path = request.page_id.startsWith('/') ? request.page_id : `/${request.page_id}`;
    const payload = {
      site: defaultSite,
      name: PAGEVIEW,
      url: new URL(path, `https://${defaultSite}`).href,
      ...(request.user_id === undefined ? {} : { user_id: request.user_id }),
    };
    await recordEvent(deps, payload, { ip: req.ip ?? '', userAgent: req.get('user-agent') ?? '', trusted: true }).catch(
      (error: unknown) => {
        throw storeUnavailable(error);
      },
    );
    res.status(202).json({ status: 'ok' });
  });
  return router;
}
