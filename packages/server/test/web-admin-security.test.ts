/**
 * The web admin's defences, driven over HTTP: the setup link, cookies, CSRF, sign-in limits,
 * session fixation, roles, sessions ending everywhere, shared links, and no cookie anywhere but
 * on the sign-in and shared-link pages.
 */
import request from 'supertest';
import { Accounts } from '../src/accounts/accounts.js';
import { StoreSessions } from '../src/accounts/session-store.js';
import { createTestApp, sendBeacon, type TestApp } from './support/test-app.js';

const ORIGIN = 'http://localhost:8000';
const PASSWORD = 'correct horse battery staple';

let t: TestApp;

beforeEach(async () => {
  t = await createTestApp({ sites: ['example.com', 'private.example', 'other.example'], env: { TRUST_PROXY: 'true' } });
  await t.store.updateSite('private.example', { public: false });
  await t.store.updateSite('other.example', { public: false });
});

afterEach(async () => {
  await t.close();
});

const accounts = () => new Accounts(t.store.accounts, new StoreSessions(t.store.accounts), t.clock, t.config.publicUrl);
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';
const cookieOf = (response: request.Response, name = 'sightline_session') =>
  ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith(`${name}=`)) ?? '';
const sessionValue = (setCookie: string) => setCookie.split(';')[0]!;
const csrfIn = (text: string) => /name="csrf" value="([^"]+)"/.exec(text)?.[1] ?? '';

/** Creates the owner through the setup page and answers their session cookie. */
async function setUp(): Promise<string> {
  const link = await accounts().setupLink();
  const response = await request(t.app).post('/setup').set('Origin', ORIGIN).type('form').send({ token: tokenOf(link), email: 'owner@example.com', password: PASSWORD });
  expect(response.status).toBe(303);
  return sessionValue(cookieOf(response));
}

async function signIn(email: string, password: string, cookie?: string, ip = '10.0.0.1'): Promise<request.Response> {
  const form = await request(t.app).get('/login');
  const post = request(t.app).post('/login').set('Origin', ORIGIN).set('X-Forwarded-For', ip).type('form');
  if (cookie !== undefined) post.set('Cookie', cookie);
  return post.send({ csrf: csrfIn(form.text), email, password, next: '/sites' });
}

async function csrfFor(cookie: string, path = '/sites/new'): Promise<string> {
  return csrfIn((await request(t.app).get(path).set('Cookie', cookie)).text);
}

describe('first run', () => {
  it('does nothing at /setup without the printed token, or with a wrong one', async () => {
    expect((await request(t.app).get('/setup')).status).toBe(404);
    expect((await request(t.app).get('/setup?token=guess')).status).toBe(404);
    const posted = await request(t.app).post('/setup').set('Origin', ORIGIN).type('form').send({ token: 'guess', email: 'eve@example.com', password: PASSWORD });
    expect(posted.status).toBe(404);
    expect(cookieOf(posted)).toBe('');
    expect(await t.store.accounts.countUsers()).toBe(0);
  });

  it('creates the owner once with the link, and the link is then used up', async () => {
    const link = await accounts().setupLink();
    expect((await request(t.app).get(`/setup?token=${tokenOf(link)}`)).status).toBe(200);
    const short = await request(t.app).post('/setup').set('Origin', ORIGIN).type('form').send({ token: tokenOf(link), email: 'owner@example.com', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('at least 12 characters');
    const created = await request(t.app).post('/setup').set('Origin', ORIGIN).type('form').send({ token: tokenOf(link), email: 'Owner@Example.com', password: PASSWORD });
    expect(created.status).toBe(303);
    expect(cookieOf(created)).toMatch(/^sightline_session=[\w-]{43}; Max-Age=\d+; Path=\/; Expires=.*; HttpOnly; SameSite=Lax$/);
    expect((await t.store.accounts.findUserByEmail('owner@example.com'))?.role).toBe('owner');
    const again = await request(t.app).post('/setup').set('Origin', ORIGIN).type('form').send({ token: tokenOf(link), email: 'eve@example.com', password: PASSWORD });
    expect(again.status).toBe(404);
    expect(await t.store.accounts.countUsers()).toBe(1);
  });

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    await t.close();
    t = await createTestApp({ env: { PUBLIC_URL: 'https://stats.example.com' } });
    const link = await accounts().setupLink();
    const created = await request(t.app).post('/setup').set('Origin', 'https://stats.example.com').type('form').send({ token: tokenOf(link), email: 'owner@example.com', password: PASSWORD });
    expect(cookieOf(created)).toContain('; Secure');
  });
});

describe('signing in', () => {
  it('answers an unknown address and a wrong password the same way', async () => {
    await setUp();
    const unknown = await signIn('nobody@example.com', PASSWORD);
    const wrong = await signIn('owner@example.com', 'not the password at all');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const strip = (text: string) => text.replace(/name="csrf" value="[^"]+"/, '').replace(/value="[^"]*@example.com"/, '');
    expect(strip(unknown.text)).toBe(strip(wrong.text));
    expect(cookieOf(unknown)).toBe('');
    expect(cookieOf(wrong)).toBe('');
  });

  it('limits attempts per account, whatever the address, with 429 and Retry-After', async () => {
    await setUp();
    for (let i = 0; i < 10; i++) expect((await signIn('owner@example.com', `wrong password ${i}`, undefined, `10.1.0.${i}`)).status).toBe(401);
    const refused = await signIn('owner@example.com', PASSWORD, undefined, '10.1.0.99');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(cookieOf(refused)).toBe('');
  }, 60_000);

  it('limits attempts per address, whatever the account', async () => {
    for (let i = 0; i < 50; i++) expect((await signIn(`person${i}@example.com`, 'wrong password', undefined, '10.2.0.1')).status).toBe(401);
    expect((await signIn('person99@example.com', 'wrong password', undefined, '10.2.0.1')).status).toBe(429);
    expect((await signIn('person99@example.com', 'wrong password', undefined, '10.2.0.2')).status).toBe(401);
  }, 60_000);

  it('gives a new session id at sign-in and ends the one the browser came with (session fixation)', async () => {
    const first = await setUp();
    const again = await signIn('owner@example.com', PASSWORD, first);
    expect(again.status).toBe(303);
    const second = sessionValue(cookieOf(again));
    expect(second).not.toBe(first);
    expect((await request(t.app).get('/sites').set('Cookie', first)).status).toBe(303);
    expect((await request(t.app).get('/sites').set('Cookie', second)).status).toBe(200);
  });

  it('refuses a sign-in form without its token, or from another origin', async () => {
    await setUp();
    const noToken = await request(t.app).post('/login').set('Origin', ORIGIN).type('form').send({ email: 'owner@example.com', password: PASSWORD });
    expect(noToken.status).toBe(403);
    const form = await request(t.app).get('/login');
    const elsewhere = await request(t.app).post('/login').set('Origin', 'https://evil.example').type('form').send({ csrf: csrfIn(form.text), email: 'owner@example.com', password: PASSWORD });
    expect(elsewhere.status).toBe(403);
    expect(cookieOf(elsewhere)).toBe('');
  });

  it('sends a private dashboard to /login and back, and never anywhere else', async () => {
    const dashboard = await request(t.app).get('/dashboard/private.example');
    expect(dashboard.status).toBe(302);
    expect(dashboard.headers.location).toBe('/login?next=%2Fdashboard%2Fprivate.example');
    const cookie = await setUp();
    expect((await request(t.app).get('/dashboard/private.example').set('Cookie', cookie)).status).toBe(200);
    const back = await signIn('owner@example.com', PASSWORD);
    expect(back.headers.location).toBe('/sites');
    const form = await request(t.app).get('/login');
    for (const next of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
      const posted = await request(t.app).post('/login').set('Origin', ORIGIN).type('form').send({ csrf: csrfIn(form.text), email: 'owner@example.com', password: PASSWORD, next });
      expect(posted.headers.location).toBe('/sites');
    }
  });
});

describe('cross-site requests', () => {
  it('refuses a signed-in form from another origin, without an origin, or without the session token', async () => {
    const cookie = await setUp();
    const csrf = await csrfFor(cookie);
    const form = { csrf, domain: 'forged.example', timezone: 'UTC' };
    const cases = [
      request(t.app).post('/sites/new').set('Cookie', cookie).set('Origin', 'https://evil.example').type('form').send(form),
      request(t.app).post('/sites/new').set('Cookie', cookie).set('Referer', 'https://evil.example/page').type('form').send(form),
      request(t.app).post('/sites/new').set('Cookie', cookie).type('form').send(form),
      request(t.app).post('/sites/new').set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ ...form, csrf: 'forged' }),
      request(t.app).post('/sites/new').set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ domain: 'forged.example' }),
    ];
    for (const response of await Promise.all(cases)) expect(response.status).toBe(403);
    expect(await t.store.getSite('forged.example')).toBeNull();
    const real = await request(t.app).post('/sites/new').set('Cookie', cookie).set('Origin', ORIGIN).type('form').send(form);
    expect(real.status).toBe(303);
    expect(await t.store.getSite('forged.example')).not.toBeNull();
  });
});

describe('roles', () => {
  async function viewer(): Promise<string> {
    await setUp();
    const link = await accounts().invite('viewer@example.com', 'viewer', ['private.example']);
    const chosen = await request(t.app).post('/welcome').set('Origin', ORIGIN).type('form').send({ token: tokenOf(link), password: PASSWORD });
    expect(chosen.status).toBe(303);
    return sessionValue(cookieOf(chosen));
  }

  it('keeps a viewer out of every admin page and action', async () => {
    const cookie = await viewer();
    const csrf = csrfIn((await request(t.app).get('/account').set('Cookie', cookie)).text);
    for (const path of ['/sites/new', '/sites/private.example', '/sites/private.example/first-event', '/people']) {
      expect((await request(t.app).get(path).set('Cookie', cookie)).status).toBe(403);
    }
    const posts: Array<[string, Record<string, string>]> = [
      ['/sites/new', { domain: 'mine.example' }],
      ['/sites/private.example/settings', { public: 'on' }],
      ['/sites/private.example/keys', { scope: 'stats:read' }],
      ['/sites/private.example/shared-links', {}],
      ['/sites/private.example/delete', { confirm: 'private.example' }],
      ['/people/invite', { email: 'friend@example.com', role: 'owner' }],
    ];
    for (const [path, form] of posts) {
      expect((await request(t.app).post(path).set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ ...form, csrf })).status).toBe(403);
    }
    expect(await t.store.getSite('mine.example')).toBeNull();
    expect((await t.store.getSite('private.example'))?.public).toBe(false);
    expect(await t.store.listApiKeys('private.example')).toEqual([]);
  });

  it('lets a viewer read the chosen site’s stats with the session alone, and no other private site', async () => {
    const cookie = await viewer();
    const read = (site: string) => request(t.app).get(`/api/v1/stats/aggregate?site_id=${site}&metrics=visitors`).set('Cookie', cookie);
    expect((await read('private.example')).status).toBe(200);
    expect((await read('other.example')).status).toBe(401);
    // The page is served (no redirect loop through /login); its stats requests are refused.
    expect((await request(t.app).get('/dashboard/other.example').set('Cookie', cookie)).status).toBe(200);
    const list = await request(t.app).get('/sites').set('Cookie', cookie);
    expect(list.text).toContain('private.example');
    expect(list.text).not.toContain('other.example');
  });
});

describe('sessions', () => {
  it('ends the session at sign-out: the old cookie is refused by the pages and the stats API', async () => {
    const cookie = await setUp();
    const csrf = await csrfFor(cookie);
    const out = await request(t.app).post('/logout').set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ csrf });
    expect(out.status).toBe(303);
    expect(cookieOf(out)).toMatch(/^sightline_session=;/);
    expect((await request(t.app).get('/sites').set('Cookie', cookie)).status).toBe(303);
    expect((await request(t.app).get('/api/v1/stats/aggregate?site_id=private.example&metrics=visitors').set('Cookie', cookie)).status).toBe(401);
  });

  it('ends every other session when the password changes, and lists and ends sessions', async () => {
    const first = await setUp();
    const second = sessionValue(cookieOf(await signIn('owner@example.com', PASSWORD, undefined, '10.3.0.1')));
    const page = await request(t.app).get('/account').set('Cookie', first);
    expect(page.text.match(/<tr><td>/g)).toHaveLength(2);
    const changed = await request(t.app)
      .post('/account/password')
      .set('Cookie', first)
      .set('Origin', ORIGIN)
      .type('form')
      .send({ csrf: csrfIn(page.text), current: PASSWORD, next: 'another long password' });
    expect(changed.status).toBe(200);
    const renewed = sessionValue(cookieOf(changed));
    expect(renewed).not.toBe(first);
    for (const old of [first, second]) expect((await request(t.app).get('/sites').set('Cookie', old)).status).toBe(303);
    expect((await request(t.app).get('/sites').set('Cookie', renewed)).status).toBe(200);
    expect((await signIn('owner@example.com', PASSWORD, undefined, '10.3.0.2')).status).toBe(401);
  });
});

describe('keys and shared links from the pages', () => {
  it('shows a new key once, and a revoked key is refused at once', async () => {
    const cookie = await setUp();
    const csrf = await csrfFor(cookie);
    const created = await request(t.app).post('/sites/private.example/keys').set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ csrf, label: 'report', scope: 'stats:read' });
    const secret = /<pre class="snippet" id="new-key">(sl_[\w-]+)<\/pre>/.exec(created.text)?.[1] ?? '';
    expect(secret).not.toBe('');
    const [key] = await t.store.listApiKeys('private.example');
    expect(key?.label).toBe('report');
    const read = () => request(t.app).get('/api/v1/stats/aggregate?site_id=private.example&metrics=visitors').set('Authorization', `Bearer ${secret}`);
    expect((await read()).status).toBe(200);
    expect((await request(t.app).get('/sites/private.example').set('Cookie', cookie)).text).not.toContain(secret);
    await request(t.app).post(`/sites/private.example/keys/${key!.id}/revoke`).set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ csrf });
    expect((await read()).status).toBe(401);
  });

  it('reads one private site with a shared link, asks for its password when it has one, and stops at revocation', async () => {
    const cookie = await setUp();
    const csrf = await csrfFor(cookie);
    const share = async (password: string) => {
      const page = await request(t.app).post('/sites/private.example/shared-links').set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ csrf, label: 'board', password });
      return new URL(/id="new-link">([^<]+)</.exec(page.text)![1]!);
    };
    const open = await share('');
    const token = open.pathname.split('/')[3]!;
    const read = (site: string, extra: Record<string, string> = {}) =>
      request(t.app).get(`/api/v1/stats/aggregate?site_id=${site}&metrics=visitors`).set({ Authorization: `Bearer ${token}`, ...extra });
    expect((await request(t.app).get(open.pathname)).status).toBe(200);
    expect((await read('private.example')).status).toBe(200);
    expect((await read('other.example')).status).toBe(403);

    const locked = await share('a long share password');
    const lockedToken = locked.pathname.split('/')[3]!;
    const readLocked = (extra: Record<string, string> = {}) =>
      request(t.app).get('/api/v1/stats/aggregate?site_id=private.example&metrics=visitors').set({ Authorization: `Bearer ${lockedToken}`, ...extra });
    expect((await readLocked()).status).toBe(401);
    const form = await request(t.app).get(locked.pathname);
    expect(form.text).toContain('protected by a password');
    const wrong = await request(t.app).post(locked.pathname).set('Origin', ORIGIN).type('form').send({ csrf: csrfIn(form.text), password: 'not it at all' });
    expect(wrong.status).toBe(401);
    const right = await request(t.app).post(locked.pathname).set('Origin', ORIGIN).type('form').send({ csrf: csrfIn(form.text), password: 'a long share password' });
    expect(right.status).toBe(303);
    const shareCookie = sessionValue(cookieOf(right, 'sightline_share'));
    expect((await readLocked({ Cookie: shareCookie })).status).toBe(200);

    for (const link of await t.store.accounts.listSharedLinks('private.example')) {
      await request(t.app).post(`/sites/private.example/shared-links/${link.id}/revoke`).set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ csrf });
    }
    expect((await read('private.example')).status).toBe(401);
    expect((await readLocked({ Cookie: shareCookie })).status).toBe(401);
    expect((await request(t.app).get(open.pathname)).status).toBe(404);
  });
});

describe('deleting a site', () => {
  it('takes the domain typed, and leaves nothing a site added again under that domain would inherit', async () => {
    const cookie = await setUp();
    const csrf = await csrfFor(cookie);
    await accounts().invite('viewer@example.com', 'viewer', ['private.example', 'other.example']);
    const post = (path: string, form: Record<string, string>) => request(t.app).post(path).set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ csrf, ...form });
    const shared = await post('/sites/private.example/shared-links', { label: 'board' });
    const token = new URL(/id="new-link">([^<]+)</.exec(shared.text)![1]!).pathname.split('/')[3]!;
    expect((await post('/sites/private.example/delete', { confirm: 'other.example' })).status).toBe(400);
    expect(await t.store.getSite('private.example')).not.toBeNull();
    expect((await post('/sites/private.example/delete', { confirm: 'private.example' })).status).toBe(303);
    expect(await t.store.getSite('private.example')).toBeNull();
    expect(await t.store.accounts.listSharedLinks('private.example')).toEqual([]);
    expect((await t.store.accounts.findUserByEmail('viewer@example.com'))?.sites).toEqual(['other.example']);
    await post('/sites/new', { domain: 'private.example', timezone: 'UTC' });
    const read = await request(t.app).get('/api/v1/stats/aggregate?site_id=private.example&metrics=visitors').set('Authorization', `Bearer ${token}`);
    expect(read.status).toBe(401);
  });
});

describe('cookies', () => {
  it('are never set on ingest, the script, public stats, the dashboard or health, even for a signed-in browser', async () => {
    const cookie = await setUp();
    const responses = await Promise.all([
      sendBeacon(t.app, { site: 'example.com', url: 'https://example.com/' }, '10.9.0.1').set('Cookie', cookie),
      request(t.app).post('/track').set('Cookie', cookie).send({ page_id: 'home' }),
      request(t.app).get('/s.js').set('Cookie', cookie),
      request(t.app).get('/api/v1/stats/aggregate?site_id=example.com&metrics=visitors').set('Cookie', cookie),
      request(t.app).get('/api/v1/stats/aggregate?site_id=private.example&metrics=visitors').set('Cookie', cookie),
      request(t.app).get('/api/stats?site=example.com'),
      request(t.app).get('/stats'),
      request(t.app).get('/dashboard/example.com').set('Cookie', cookie),
      request(t.app).get('/healthz'),
      request(t.app).get('/login'),
    ]);
    for (const response of responses) expect(response.headers['set-cookie']).toBeUndefined();
  });
});

describe('bad input', () => {
  it('answers forms with odd fields with a form error or a 4xx, never a 500', async () => {
    const cookie = await setUp();
    const csrf = await csrfFor(cookie);
    const post = (path: string, body: string) => request(t.app).post(path).set('Cookie', cookie).set('Origin', ORIGIN).type('form').send(`csrf=${encodeURIComponent(csrf)}&${body}`);
    const cases = [
      post('/sites/new', 'domain=a&domain=b'),
      post('/sites/new', 'domain=not a domain&timezone=Mars/Base'),
      post('/sites/new', `domain=${'x'.repeat(5000)}.example`),
      post('/sites/example.com/settings', 'retention=-4'),
      post('/sites/example.com/settings', 'retention=1e400'),
      post('/sites/example.com/keys', 'scope=root'),
      post('/sites/example.com/delete', 'confirm=wrong.example'),
      post('/sites/nope.example/keys', 'scope=stats:read'),
      post('/sites/example.com/keys/nope/revoke', ''),
      post('/people/invite', 'email=not-an-address&role=admin'),
      post('/people/invite', 'email=a@example.com&role=king'),
      post('/people/invite', 'email=a@example.com&role=viewer'),
      post('/account/password', 'current=wrong&next=x'),
      post('/account/sessions/nope/end', ''),
      request(t.app).post('/login').set('Origin', ORIGIN).type('form').send('csrf[]=x&email[]=y'),
      request(t.app).get('/welcome?token[]=x'),
      request(t.app).get('/share/example.com/sh_nope'),
      request(t.app).get('/share/not a site/x'),
    ];
    const statuses = (await Promise.all(cases)).map((response, i) => [i, response.status >= 400 && response.status < 500 ? '4xx' : response.status]);
    expect(statuses).toEqual(cases.map((_case, i) => [i, '4xx']));
    expect(await t.store.getSite('example.com')).not.toBeNull();
  });
});
