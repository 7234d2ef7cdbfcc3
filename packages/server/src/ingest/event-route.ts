/** POST /api/event: the tracker's endpoint. Answers 202 with no body once the event is committed. */
import { LIMITS, parseEventPayload } from '@sightline/shared';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { addressKey } from '../http/address-key.js';
import { HttpError } from '../http/errors.js';
import { mediaType, readJson } from '../http/ingest-body.js';
import { issuesOf } from '../http/parse.js';
import type { SiteDirectory } from '../sites/site-directory.js';
import { answerFailure, CORS_HEADERS } from './ingest-answers.js';
import { recordEvent, type RecordDeps } from './record-event.js';
import { storeUnavailable } from './store-unavailable.js';

export interface IngestDeps extends RecordDeps {
  sites: SiteDirectory;
}

/** Beacons arrive as text/plain (a string sent with sendBeacon spares the browser a preflight); curl and servers send JSON. */
const ACCEPTED_TYPES = ['text/plain', 'application/json'];

/** As the cors package answers a preflight for `origin: '*'`, `methods: POST`, a day's max-age, the asked-for headers allowed. */
const PREFLIGHT_HEADERS = { ...CORS_HEADERS, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Max-Age': '86400', 'Content-Length': '0' };

export const preflight: RequestHandler = (req, res) => {
  const asked = req.headers['access-control-request-headers'];
  res
    .writeHead(204, asked === undefined ? PREFLIGHT_HEADERS : { ...PREFLIGHT_HEADERS, 'Access-Control-Allow-Headers': asked, Vary: 'Access-Control-Request-Headers' })
    .end();
};

const STORED_HEADERS = { ...CORS_HEADERS, 'Content-Length': '0' };
const droppedHeaders = (outcome: string) => ({ ...STORED_HEADERS, 'X-Sightline-Dropped': outcome });

async function acceptEvent(deps: IngestDeps, req: Request, res: Response, next: NextFunction): Promise<void> {
  const ip = req.ip ?? '';
  const address = addressKey(ip);
  let counted = false;
  try {
    if (!ACCEPTED_TYPES.includes(mediaType(req))) throw new HttpError(415, 'send the body as application/json or text/plain', { accepted: ACCEPTED_TYPES });
    const parsed = parseEventPayload(await readJson(req, LIMITS.maxBodyBytes));
    if (!parsed.success) throw new HttpError(400, 'invalid event', issuesOf(parsed.error));
    const payload = parsed.data;
    const site = await deps.sites.get(payload.site);
    if (site === null) {
      throw new HttpError(404, `unknown site ${payload.site}: register it first (POST /api/sites or pnpm sightline site add)`);
    }
    counted = true;
    const outcome = await recordEvent(deps, payload, { site, ip, address, userAgent: req.headers['user-agent'] ?? '', connection: req.socket }).catch((error: unknown) => {
      throw storeUnavailable(error);
    });
    // Dropped events are answered like everyone else so senders learn nothing; the header says why nothing was kept.
    res.writeHead(202, outcome === 'stored' ? STORED_HEADERS : droppedHeaders(outcome)).end();
  } catch (error) {
    await answerFailure(deps.writer, counted ? undefined : address, error, res, next, CORS_HEADERS);
  }
}

export const eventHandler =
  (deps: IngestDeps): RequestHandler =>
  (req, res, next) =>
    void acceptEvent(deps, req, res, next);
