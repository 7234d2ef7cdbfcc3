/**
 * Hostile input, generated: at least 10,000 malformed requests per run across every public
 * endpoint. Each must be answered 4xx (or 2xx when it happens to be valid), never 5xx; the
 * process must keep serving; and a rejected request must leave the store exactly as it was.
 */
import { request as httpRequest, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { SiteAdmin } from '../src/store/types.js';
import { ADMIN_TOKEN, BROWSER_UA, createTestApp, type TestApp } from './support/test-app.js';

/** 14 endpoints x 800 = 11,200 generated requests per run. */
const RUNS_PER_ENDPOINT = 800;
const SITES = ['example.com', 'localhost'];

const GET_ENDPOINTS = [
  '/api/stats',
  '/stats',
  '/api/sites',
  '/api/v1/stats/aggregate',
  '/api/v1/stats/timeseries',
  '/api/v1/stats/breakdown',
  '/api/v1/stats/realtime/visitors',
];

let t: TestApp;
let server: Server;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
let tried = 0;
const statuses = new Map<number, number>();

beforeAll(async () => {
  // Rate limits off: the point here is validation, and a 429 would hide what a request would have done.
  t = await createTestApp({
    sites: SITES,
    env: { RATE_LIMIT_INGEST_PER_IP: '0', RATE_LIMIT_INGEST_PER_SITE: '0', RATE_LIMIT_STATS_PER_CLIENT: '0' },
  });
  const admin = t.store as Partial<SiteAdmin>;
  // A public site, so the v1 stats endpoints validate parameters instead of stopping at 401.
  await admin.updateSite?.('example.com', { public: true });
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
  const histogram = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(', ');
  console.log(`bad-input property tests: ${tried} generated requests sent (${histogram})`);
});

interface Sent {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function send(req: Sent): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  tried++;
  return new Promise((resolve, reject) => {
    const call = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    call.on('error', reject);
    call.end(req.body);
  });
}

interface StoreState {
  events: number;
  sites: number;
  keys: number;
  /** Every site's settings, so a change to any of them shows. */
  settings: string;
}

async function storeState(): Promise<StoreState> {
  const sites = await t.store.listSites();
  let events = 0;
  let keys = 0;
  for (const site of sites) {
    events += await t.store.countEvents(site.domain);
    keys += (await t.store.listApiKeys(site.domain)).length;
  }
  return { events, sites: sites.length, keys, settings: JSON.stringify(sites) };
}

// ---- generators ---------------------------------------------------------------------------

const OPERATOR_KEYS = ['$gt', '$ne', '$where', '$regex', '$expr', '$function', '$set', '$in'];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];
const FIELD_KEYS = ['site', 's', 'name', 'n', 'url', 'u', 'referrer', 'r', 'screen_width', 'w', 'props', 'p', 'user_id', 'engagement_ms', 'e', 'id', 'x', 'page_id', 'domain', 'timezone'];

const ABSURD_DATES = [
  '0000-00-00', '2026-02-30', '2026-13-01', '275760-09-14', '-271821-04-19', '+275760-09-13T00:00:00Z', '1e999', '9'.repeat(30),
  '-1', 'NaN', 'Infinity', '2026-11-28T25:61:61Z', '2026-11-28,2026-11-01', '2026-11-28,', ',', 'today', '2026-11-28T00:00:00+99:00',
];
const ZONES = ['Mars/Olympus_Mons', '+99:00', 'Etc/GMT+15', 'UTC\u0000', '../../etc/passwd', 'Europe/Berlin'.repeat(20), 'local', ''];
const FILTERS = [
  'event:page==/blog/*', 'event:page=~x', 'visit:country>>DE', 'visit:country!=', 'event:props:__proto__==x', 'event:props:$where==1',
  'event:page==', '==', ';;;', 'visit:source|Google', 'event:goal==Signup', 'visit:country==DE|FR;event:page~/a', 'event:page!~x',
  'nope:thing==1', 'event:props:' + 'k'.repeat(500) + '==v', 'event:page==' + '*'.repeat(2000),
];
const PROPERTIES = ['event:page', 'event:props:', 'event:props:__proto__', 'visit:nope', 'event:props:constructor', 'visit:utm_source', 'time', ''];
const METRICS = ['visitors', 'visitors,pageviews', 'bounce_rate,visit_duration', 'nope', ',', 'visitors,visitors', '$where', 'events,'.repeat(50)];

const awkwardString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(...ABSURD_DATES, ...ZONES, ...FILTERS, ...OPERATOR_KEYS, ...PROTO_KEYS),
  fc.constantFrom('\u0000', 'a\u0000b', '\uD800', '\uDFFF\uD800', 'javascript:alert(1)', 'https://example.com/\u0000', '//example.com', 'http://[::1', 'https://', 'https://example.com/' + 'a'.repeat(5000)),
  fc.constantFrom('https://example.com/', 'http://localhost:8000/', 'https://blog.example.com/x?utm_source=$gt', 'example.com', 'localhost'),
  fc.integer({ min: 1000, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

/** JSON text of a value, so `__proto__` keys really appear in the text a server parses. */
type Json = string;
const rawObject = (entries: Array<[string, Json]>): Json => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

const jsonScalar: fc.Arbitrary<Json> = fc.oneof(
  awkwardString.map((s) => JSON.stringify(s)),
  fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 1e308, -1e308, 2 ** 53 + 1, 0.5)).map((n) => JSON.stringify(n)),
  fc.constantFrom('true', 'false', 'null', '1e999', '-1e999'),
);

const key = fc.oneof(fc.constantFrom(...FIELD_KEYS, ...OPERATOR_KEYS, ...PROTO_KEYS), fc.string({ maxLength: 20 }));

const { json } = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonScalar,
    fc.array(tie('json'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(key, tie('json')), { maxLength: 6 }).map(rawObject),
    fc.constantFrom(...OPERATOR_KEYS).chain((op) => jsonScalar.map((v) => rawObject([[op, v]]))),
  ),
}));

/** Deep nesting, up to far past what a recursive parser or validator should be asked to walk. */
const deepJson = fc
  .tuple(fc.integer({ min: 50, max: 100_000 }), fc.constantFrom('[', '{"a":', '{"$gt":'), fc.constantFrom(...FIELD_KEYS))
  .map(([depth, open, field]) => {
    const deep = open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth);
    return rawObject([['site', '"example.com"'], ['url', '"https://example.com/"'], [field, deep]]);
  });

/** A valid payload with one field replaced or one key added: some end up valid by chance. */
const nearlyValidEvent = fc
  .tuple(
    fc.constantFrom(...SITES),
    fc.constantFrom('long', 'short'),
    fc.option(fc.tuple(key, json), { nil: undefined, freq: 2 }),
    fc.option(fc.tuple(fc.constantFrom(...FIELD_KEYS), json), { nil: undefined, freq: 2 }),
  )
  .map(([site, names, extra, replace]) => {
    const url = site === 'localhost' ? 'http://localhost:8000/p' : 'https://example.com/p';
    const base: Array<[string, Json]> =
      names === 'long'
        ? [['site', JSON.stringify(site)], ['url', JSON.stringify(url)], ['screen_width', '1440']]
        : [['s', JSON.stringify(site)], ['u', JSON.stringify(url)], ['w', '1440']];
    const entries = base.map(([k, v]): [string, Json] => (replace !== undefined && replace[0] === k ? [k, replace[1]] : [k, v]));
    if (extra !== undefined) entries.push(extra);
    return rawObject(entries);
  });

const nearlyValidTrack = fc
  .tuple(fc.oneof(fc.constant('"home"'), json), fc.option(fc.oneof(fc.constant('"user123"'), json), { nil: undefined, freq: 2 }), fc.option(fc.tuple(key, json), { nil: undefined, freq: 2 }))
  .map(([page, user, extra]) => rawObject([['page_id', page], ...(user === undefined ? [] : [['user_id', user] as [string, Json]]), ...(extra === undefined ? [] : [extra])]));

const nearlyValidSite = fc
  .tuple(
    fc.oneof(fc.stringMatching(/^[a-z]{1,12}\.(com|org|dev)$/).map((d) => JSON.stringify(d)), json),
    fc.option(fc.oneof(fc.constantFrom(...ZONES, 'Europe/Paris', 'America/New_York').map((z) => JSON.stringify(z)), json), { nil: undefined, freq: 2 }),
    fc.option(fc.tuple(key, json), { nil: undefined, freq: 2 }),
  )
  .map(([domain, zone, extra]) => rawObject([['domain', domain], ...(zone === undefined ? [] : [['timezone', zone] as [string, Json]]), ...(extra === undefined ? [] : [extra])]));

const nearlyValidAdmin = fc
  .tuple(
    fc.constantFrom('public', 'scopes'),
    fc.oneof(fc.constantFrom('true', 'false', '["stats:read"]', '["sites:admin","stats:read"]', '["root"]', '[]'), json),
    fc.option(fc.tuple(key, json), { nil: undefined, freq: 2 }),
  )
  .map(([field, value, extra]) => rawObject([[field, value], ...(extra === undefined ? [] : [extra])]));

const bodyText: fc.Arbitrary<Buffer> = fc.oneof(
  json.map((text) => Buffer.from(text)),
  { arbitrary: fc.oneof(nearlyValidEvent, nearlyValidTrack, nearlyValidSite, nearlyValidAdmin).map((text) => Buffer.from(text)), weight: 4 },
  deepJson.map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  // Valid JSON text with invalid UTF-8 spliced into a string.
  fc.tuple(nearlyValidEvent, fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0xbc], [0xed, 0xa0, 0x80], [0x00])).map(
    ([text, bad]) => {
      const at = text.indexOf('"', 2) + 1;
      return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bad), Buffer.from(text.slice(at))]);
    },
  ),
  fc.constantFrom('', ' ', 'null', '[]', '{}', '"', '{"site":', '\u0000', '{"site":"example.com","url":"https://example.com/"}\u0000').map((s) => Buffer.from(s)),
);

const CONTENT_TYPES = [
  'text/plain', 'application/json', 'text/plain; charset=utf-8', 'application/json; charset=utf-16', 'text/plain; charset=latin1',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/html', '', 'application/json; charset=',
  '*/*', 'application/json, text/plain',
];

const authHeader = fc.oneof(
  fc.constant(undefined),
  fc.constant(`Bearer ${ADMIN_TOKEN}`),
  fc.constantFrom('Bearer ', 'Bearer wrong-token-0123456789', 'Basic YWRtaW46YWRtaW4=', `bearer  ${ADMIN_TOKEN}  `, 'Bearer $where', `Bearer ${'k'.repeat(4000)}`),
);

/** Site ids in admin paths, valid or not. */
const SITE_SEGMENTS = ['example.com', 'localhost', 'nope.org', '%00', '__proto__', 'constructor', '%24where', '..%2F..', '%FF', 'a'.repeat(300)];

const postRequest = (path: string | fc.Arbitrary<string>, method: 'POST' | 'PATCH' = 'POST'): fc.Arbitrary<Sent> =>
  fc
    .record({
      path: typeof path === 'string' ? fc.constant(path) : path,
      body: bodyText,
      type: fc.oneof(
        { arbitrary: fc.constantFrom('text/plain', 'application/json'), weight: 4 },
        fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined, freq: 2 }),
      ),
      auth: authHeader,
      encoding: fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'), { nil: undefined, freq: 2 }),
      ua: fc.constantFrom(BROWSER_UA, '', 'Googlebot/2.1 (+http://www.google.com/bot.html)', 'curl/8.0', '\u00ff'),
    })
    .map(({ path, body, type, auth, encoding, ua }) => {
      const headers: Record<string, string> = { 'user-agent': ua, 'content-length': String(body.length) };
      if (type !== undefined) headers['content-type'] = type;
      if (auth !== undefined) headers.authorization = auth;
      if (encoding !== undefined) headers['content-encoding'] = encoding;
      return { method, path, headers, body };
    });

const QUERY_KEYS = [
  'site', 'site_id', 'from', 'to', 'period', 'date', 'metrics', 'filters', 'property', 'limit', 'page', 'interval', 'compare', 'timezone',
  'site[$gt]', 'site[$ne]', 'filters[]', '__proto__', 'constructor', '$where', '__proto__[polluted]',
];

const queryValue = fc.oneof(
  fc.constantFrom(...SITES, ...ABSURD_DATES, ...ZONES, ...FILTERS, ...PROPERTIES, ...METRICS, ...OPERATOR_KEYS, 'day', '7d', '30m', 'custom', '12mo', 'minute', 'previous_period', '0', '-1', '1e9', '100000000000'),
  fc.string({ maxLength: 40 }),
);

/** Percent-encodes a value, or leaves deliberate garbage: malformed escapes, encoded NUL and invalid UTF-8. */
const encodedValue = fc.oneof(
  queryValue.map((v) => encodeURIComponent(v)),
  fc.constantFrom('%', '%G0', '%E0%A4%A', '%FF%FE', '%00', '%C3%28', '%ED%A0%80', 'a%00b', '%25%', '+%2B%20'),
);

const getRequest = (path: string | fc.Arbitrary<string>): fc.Arbitrary<Sent> =>
  fc
    .record({
      path: typeof path === 'string' ? fc.constant(path) : path,
      pairs: fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), encodedValue), { maxLength: 8 }),
      auth: authHeader,
    })
    .map(({ path, pairs, auth }) => {
      const query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
      const headers: Record<string, string> = {};
      if (auth !== undefined) headers.authorization = auth;
      return { method: 'GET' as const, path: query === '' ? path : `${path}?${query}`, headers };
    });

/** Key ids in revocation paths: the site's real keys' ids now and then, mostly garbage. */
const KEY_SEGMENTS = ['key_000000000000', 'key_', '%00', '__proto__', '..%2F..', '%FF', 'k'.repeat(300), '*', '%24where'];

const deleteRequest: fc.Arbitrary<Sent> = fc
  .record({ site: fc.constantFrom(...SITE_SEGMENTS), key: fc.oneof(fc.constantFrom(...KEY_SEGMENTS), fc.constant('(a real key)')), auth: authHeader })
  .map(({ site, key, auth }) => {
    const headers: Record<string, string> = {};
    if (auth !== undefined) headers.authorization = auth;
    return { method: 'DELETE' as const, path: `/api/sites/${site}/keys/${key}`, headers };
  });

// ---- the property ------------------------------------------------------------------------

/** What a request of this kind may change when it succeeds: one event, one site, one key, or a site's settings. */
function allowedChange(req: Sent, status: number): { events: number; sites: number; keys: number; settings: boolean } {
  const none = { events: 0, sites: 0, keys: 0, settings: false };
  if (status < 200 || status >= 300 || req.method === 'GET') return none;
  if (req.method === 'PATCH') return { ...none, settings: true };
  if (req.method === 'DELETE') return { ...none, keys: -1 };
  if (req.path === '/api/sites') return { ...none, sites: status === 201 ? 1 : 0, settings: status === 201 };
  if (req.path.startsWith('/api/sites/')) return { ...none, keys: status === 201 ? 1 : 0 };
  return { ...none, events: 1 };
}

/** Points a revocation at a key the site really has, made for it now, so some revocations succeed. */
async function withRealKey(req: Sent): Promise<Sent> {
  const site = req.path.split('/')[3]!;
  const made = await send({
    method: 'POST',
    path: `/api/sites/${site}/keys`,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: Buffer.from('{}'),
  });
  const id = made.status === 201 ? (JSON.parse(made.body) as { id: string }).id : 'key_none';
  return { ...req, path: req.path.replace('(a real key)', id) };
}

/** Site and id of every event stored with an id: sent again, it must not be stored again. */
const storedIds = new Set<string>();

/** The site and id an accepted ingest body named, as the server reads them (either spelling). */
function eventIdOf(req: Sent): string | undefined {
  if (req.path !== '/api/event' || req.body === undefined) return undefined;
  const body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
  const id = body.id ?? body.x;
  const site = String(body.site ?? body.s).trim().toLowerCase();
  return typeof id === 'string' ? `${site}\u0000${id}` : undefined;
}

async function holds(sent: Sent): Promise<void> {
  const req = sent.path.endsWith('/(a real key)') ? await withRealKey(sent) : sent;
  const before = await storeState();
  const response = await send(req);
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  const after = await storeState();
  const context = `${req.method} ${req.path.slice(0, 300)} -> ${response.status} ${response.body.slice(0, 300)}`;
  if (response.status >= 500 || response.status < 200) throw new Error(`server error: ${context}`);
  if (response.status >= 400) {
    // A client error always comes with a JSON explanation.
    const parsed = JSON.parse(response.body) as { error?: unknown };
    if (typeof parsed.error !== 'string') throw new Error(`no JSON error: ${context}`);
  }
  const allowed = allowedChange(req, response.status);
  const dropped = response.headers['x-sightline-dropped'] !== undefined;
  const events = after.events - before.events;
  // An accepted event is stored exactly once, unless the answer says it was dropped (bot, hostname, spam)
  // or it carries the id of an event already stored.
  const id = allowed.events === 1 && !dropped ? eventIdOf(req) : undefined;
  const repeated = id !== undefined && storedIds.has(id);
  if (id !== undefined && events === 1) storedIds.add(id);
  const expected = dropped || repeated ? 0 : allowed.events;
  if (events !== expected) throw new Error(`store changed by ${events} events, expected ${expected}: ${context}`);
  if (after.sites - before.sites !== allowed.sites) throw new Error(`store changed by ${after.sites - before.sites} sites: ${context}`);
  if (after.keys - before.keys !== allowed.keys) throw new Error(`store changed by ${after.keys - before.keys} keys: ${context}`);
  if (after.settings !== before.settings && !allowed.settings) throw new Error(`site settings changed: ${context}`);
}

const ENDPOINTS: Array<[string, fc.Arbitrary<Sent>]> = [
  ['POST /api/event', postRequest('/api/event')],
  ['POST /track', postRequest('/track')],
  ['POST /api/sites', postRequest('/api/sites')],
  ['PATCH /api/sites/:id', postRequest(fc.constantFrom(...SITE_SEGMENTS).map((id) => `/api/sites/${id}`), 'PATCH')],
  ['POST /api/sites/:id/keys', postRequest(fc.constantFrom(...SITE_SEGMENTS).map((id) => `/api/sites/${id}/keys`))],
  ['GET /api/sites/:id/keys', getRequest(fc.constantFrom(...SITE_SEGMENTS).map((id) => `/api/sites/${id}/keys`))],
  ['DELETE /api/sites/:id/keys/:key', deleteRequest],
  ...GET_ENDPOINTS.map((path): [string, fc.Arbitrary<Sent>] => [`GET ${path}`, getRequest(path)]),
];

describe('generated bad input', () => {
  it.each(ENDPOINTS)('%s: never a 5xx, and a rejected request changes nothing', async (_name, requests) => {
    await fc.assert(fc.asyncProperty(requests, holds), { numRuns: RUNS_PER_ENDPOINT, endOnFailure: true });
    // Still serving after the barrage.
    expect((await send({ method: 'GET', path: '/healthz', headers: {} })).status).toBe(200);
  }, 120_000);

  it('sent at least 10,000 requests', () => {
    expect(tried).toBeGreaterThanOrEqual(10_000);
  });
});
