/**
 * Reads an ingest body straight from the request stream, within its cap: Express's text and
 * JSON parsers (content negotiation, charsets, inflation) cost about a tenth of an event's CPU
 * for a body of a few hundred bytes that is only ever UTF-8 JSON. A body a parser of the host
 * app has already read (the ingest router mounted behind express.json()) is taken as it is.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

/** The media type without its parameters, lower-cased: `text/plain;charset=UTF-8` → `text/plain`. */
export function mediaType(req: IncomingMessage): string {
  const header = req.headers['content-type'];
  if (header === undefined) return '';
  const semicolon = header.indexOf(';');
  return (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

/** Only UTF-8 (or no charset, which JSON assumes) and no content coding: a beacon sends nothing else. */
function checkEncoding(req: IncomingMessage): void {
  const coding = req.headers['content-encoding'];
  if (coding !== undefined && coding.toLowerCase() !== 'identity') throw new HttpError(415, 'unsupported content encoding');
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new HttpError(415, 'unsupported charset');
}

function readText(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    // Unread, the body would be parsed as the connection's next request.
    req.resume();
    return Promise.reject(new HttpError(413, 'request body is too large'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (error: HttpError) => {
      if (failed) return;
      failed = true;
      chunks.length = 0;
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) fail(new HttpError(413, 'request body is too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      if (declared !== undefined && Number(declared) !== size) fail(new HttpError(400, 'request body size did not match Content-Length'));
      else resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    req.on('aborted', () => fail(new HttpError(400, 'request was aborted')));
    req.on('error', () => fail(new HttpError(400, 'request was aborted')));
  });
}

interface ParsedByHost {
  body?: unknown;
}

/** The body of a request whose type the caller accepts, parsed as JSON, or as a host app's parser left it. */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const already = (req as ParsedByHost).body;
  if (already !== undefined) {
    if (typeof already !== 'string') return already;
    return parseJson(already);
  }
  checkEncoding(req);
  return parseJson(await readText(req, maxBytes));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}
