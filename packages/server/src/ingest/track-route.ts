/**
 * POST /track: the first version's API, kept so its examples work unchanged. It records a
 * pageview of `page_id` on the configured default site, from a server rather than a browser.
 */
import { PAGEVIEW, TrackRequestSchema } from '@sightline/shared';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { addressKey } from '../http/address-key.js';
import { HttpError } from '../http/errors.js';
import { mediaType, readJson } from '../http/ingest-body.js';
import { parseOr400 } from '../http/parse.js';
import type { IngestDeps } from './event-route.js';
import { answerFailure, contentJson, INGEST_HEADERS } from './ingest-answers.js';
import { recordEvent } from './record-event.js';
import { storeUnavailable } from './store-unavailable.js';

const MAX_BODY_BYTES = 8 * 1024;
const ACCEPTED = JSON.stringify({ status: 'ok' });
const ACCEPTED_HEADERS = contentJson(ACCEPTED, INGEST_HEADERS);

async function acceptTrack(deps: IngestDeps, defaultSite: string | undefined, req: Request, res: Response, next: NextFunction): Promise<void> {
  const ip = req.ip ?? '';
  const address = addressKey(ip);
  let counted = false;
  try {
    // Only a JSON body is read; anything else is an empty request, which names no page.
    const body = mediaType(req) === 'application/json' ? await readJson(req, MAX_BODY_BYTES) : {};
    const request = parseOr400(TrackRequestSchema, body ?? {}, 'track request');
    const site = defaultSite === undefined ? null : await deps.sites.get(defaultSite);
    if (site === null) {
      throw new HttpError(404, 'no default site: set DEFAULT_SITE to a registered site to use /track');
    }
    const path = request.page_id.startsWith('/') ? request.page_id : `/${request.page_id}`;
    const payload = {
      site: site.domain,
      name: PAGEVIEW,
      url: new URL(path, `https://${site.domain}`).href,
      ...(request.user_id === undefined ? {} : { user_id: request.user_id }),
    };
    counted = true;
    await recordEvent(deps, payload, { site, ip, address, userAgent: req.headers['user-agent'] ?? '', trusted: true, connection: req.socket }).catch((error: unknown) => {
      throw storeUnavailable(error);
    });
    res.writeHead(202, ACCEPTED_HEADERS).end(ACCEPTED);
  } catch (error) {
    await answerFailure(deps.writer, counted ? undefined : address, error, res, next, INGEST_HEADERS);
  }
}

export const trackHandler =
  (deps: IngestDeps, defaultSite: string | undefined): RequestHandler =>
  (req, res, next) =>
    void acceptTrack(deps, defaultSite, req, res, next);
