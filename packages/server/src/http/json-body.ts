/**
 * Reads an ingest body. Beacons arrive as text/plain (what navigator.sendBeacon sends for a
 * string, which spares the browser a CORS preflight); curl and servers send application/json.
 * Both carry JSON, and nothing else is accepted.
 */
import express, { type RequestHandler } from 'express';
import { HttpError } from './errors.js';

const ACCEPTED_TYPES = ['text/plain', 'application/json'];

export function jsonBody(maxBytes: number): RequestHandler[] {
  const requireType: RequestHandler = (req, _res, next) => {
    if (!req.is(ACCEPTED_TYPES)) {
      next(new HttpError(415, 'send the body as application/json or text/plain', { accepted: ACCEPTED_TYPES }));
      return;
    }
    next();
  };
  const readText = express.text({ type: ACCEPTED_TYPES, limit: maxBytes });
  const decode: RequestHandler = (req, _res, next) => {
    try {
      req.body = JSON.parse(typeof req.body === 'string' ? req.body : '');
      next();
    } catch {
      next(new HttpError(400, 'request body is not valid JSON'));
    }
  };
  return [requireType, readText, decode];
}
