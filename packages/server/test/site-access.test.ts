/** API keys, scopes and public sites, over HTTP and from the CLI. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { hashKey } from '../src/sites/api-keys.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { ADMIN_TOKEN, createTestApp, pageview, sendBeacon, type TestApp } from './support/test-app.js';

let t: TestApp;

beforeEach(async () => {
  t = await createTestApp({ sites: ['a.example', 'b.example'], publicSites: false });
});

afterEach(async () => {
  await t.close();
});

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

async function newKey(site: string, scopes: string[], auth: Record<string, string> = admin): Promise<string> {
  const response = await request(t.app).post(`/api/sites/${site}/keys`).set(auth).send({ scopes }).expect(201);
  expect(response.body).toEqual({
    id: expect.stringMatching(/^key_[0-9a-f]{12}$/),
    site,
    scopes: [...scopes].sort(),
    created_at: '2026-11-28T12:00:00.000Z',
    last_used_at: null,
    key: expect.stringMatching(/^sl_[A-Za-z0-9_-]{43}$/),
  });
  expect(response.headers['cache-control']).toBe('no-store');
  return response.body.key as string;
}

const aggregate = (site: string, auth?: string) => {
  const r = request(t.app).get('/api/v1/stats/aggregate').query({ site_id: site });
  return auth === undefined ? r : r.set('Authorization', `Bearer ${auth}`);
};

describe('reading stats', () => {
  it('takes a stats:read key of the site, or the admin token', async () => {
    const key = await newKey('a.example', ['stats:read']);
    await aggregate('a.example', key).expect(200);
    await aggregate('a.example', ADMIN_TOKEN).expect(200);
    await request(t.app).get('/api/stats').query({ site: 'a.example' }).set('Authorization', `Bearer ${key}`).expect(200);
  });

  it('answers 401 without a key or with a wrong one', async () => {
    const missing = await aggregate('a.example').expect(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.body.error).toMatch(/not public/);
    await aggregate('a.example', 'sl_wrong').expect(401);
    await request(t.app).get('/api/stats').query({ site: 'a.example' }).expect(401);
    await request(t.app).get('/api/v1/stats/realtime/visitors').query({ site_id: 'a.example' }).expect(401);
  });

  it('answers 403 for a key of another site or without the scope, 404 for an unknown site', async () => {
    const other = await newKey('b.example', ['stats:read']);
    expect((await aggregate('a.example', other).expect(403)).body.error).toMatch(/another site/);
    const adminOnly = await newKey('a.example', ['sites:admin']);
    expect((await aggregate('a.example', adminOnly).expect(403)).body.error).toMatch(/stats:read/);
    await aggregate('missing.example', other).expect(404);
  });

  it('lets anyone read a public site, and the flag is changed with PATCH', async () => {
    await aggregate('a.example').expect(401);
    const patched = await request(t.app).patch('/api/sites/a.example').set(admin).send({ public: true }).expect(200);
    expect(patched.body).toEqual({ domain: 'a.example', timezone: 'UTC', public: true, created_at: '2026-11-28T12:00:00.000Z' });
    await aggregate('a.example').expect(200);
    await request(t.app).patch('/api/sites/a.example').set(admin).send({ public: false }).expect(200);
    await aggregate('a.example').expect(401);
  });

  it('stops reading a site made private elsewhere (the CLI, another instance) at once', async () => {
    await request(t.app).patch('/api/sites/a.example').set(admin).send({ public: true }).expect(200);
    await aggregate('a.example').expect(200);
    await sendBeacon(t.app, pageview({ site: 'a.example', url: 'https://a.example/' }), '203.0.113.5').expect(202);
    // Not through this server, so nothing here is told of the change.
    await t.store.updateSite('a.example', { public: false });
    await aggregate('a.example').expect(401);
    await request(t.app).get('/api/stats').query({ site: 'a.example' }).expect(401);
  });
});

describe('managing a site', () => {
  it('accepts a sites:admin key of that site for keys and settings, never another site', async () => {
    const siteAdmin = await newKey('a.example', ['sites:admin', 'stats:read']);
    const reader = await newKey('a.example', ['stats:read'], { Authorization: `Bearer ${siteAdmin}` });
    await aggregate('a.example', reader).expect(200);
    await request(t.app).patch('/api/sites/a.example').set('Authorization', `Bearer ${siteAdmin}`).send({ public: true }).expect(200);
    await request(t.app).post('/api/sites/b.example/keys').set('Authorization', `Bearer ${siteAdmin}`).send({}).expect(403);
    await request(t.app).post('/api/sites/a.example/keys').set('Authorization', `Bearer ${reader}`).send({}).expect(403);
    // Creating and listing sites stays with the operator.
    await request(t.app).get('/api/sites').set('Authorization', `Bearer ${siteAdmin}`).expect(401);
    const listed = await request(t.app).get('/api/sites/a.example/keys').set('Authorization', `Bearer ${siteAdmin}`).expect(200);
    // Keys made in the same millisecond list in either order.
    expect(listed.body.keys.map((key: { scopes: string[] }) => key.scopes.join(',')).sort()).toEqual(['sites:admin,stats:read', 'stats:read']);
    expect(JSON.stringify(listed.body)).not.toContain(reader);
  });

  it('stores only a hash of the key', async () => {
    const key = await newKey('a.example', ['stats:read']);
    const [record] = await t.store.listApiKeys('a.example');
    expect(record!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(record)).not.toContain(key.slice(3));
  });

  it.each([
    [{ scopes: ['stats:write'] }, /scopes may hold: stats:read, sites:admin/],
    [{ scopes: [] }, /at least one scope/],
    [{ scopes: 'stats:read' }, /expected array/],
    [{ owner: 'me' }, /Unrecognized key/],
  ])('refuses a bad key request %j', async (body, message) => {
    const response = await request(t.app).post('/api/sites/a.example/keys').set(admin).send(body).expect(400);
    expect(JSON.stringify(response.body.details)).toMatch(message);
    expect(await t.store.listApiKeys('a.example')).toEqual([]);
  });

  it('answers 404 for keys of an unknown site and 400 for a bad patch', async () => {
    await request(t.app).post('/api/sites/missing.example/keys').set(admin).send({}).expect(404);
    await request(t.app).patch('/api/sites/a.example').set(admin).send({ public: 'yes' }).expect(400);
    await request(t.app).patch('/api/sites/a.example').send({ public: true }).expect(401);
  });

  it('creates a site public when asked', async () => {
    await request(t.app).post('/api/sites').set(admin).send({ domain: 'open.example', public: true }).expect(201);
    await aggregate('open.example').expect(200);
  });
});

describe('the access commands of the CLI', () => {
  const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/main.js');
  let dataDir: string;

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (pnpm build)`);
  });

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sightline-cli-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => {
    const { CI: _ci, ...env } = process.env;
    return spawnSync(process.execPath, [CLI, ...args], { env: { ...env, DATA_DIR: dataDir, DEMO: 'false' }, encoding: 'utf8', timeout: 20_000 });
  };

  it('adds a public site, issues a key shown once, lists keys, and switches the flag', async () => {
    expect(cli('site', 'add', 'cli.example', '--public').stdout).toMatch(/public: anyone can read its stats/);
    const added = cli('key', 'add', 'cli.example', '--scope', 'stats:read', '--scope', 'sites:admin');
    expect(added.status).toBe(0);
    const secret = /\b(sl_[A-Za-z0-9_-]{43})\b/.exec(added.stdout)?.[1];
    expect(secret).toBeDefined();
    const listed = cli('key', 'list', 'cli.example');
    expect(listed.stdout).toMatch(/^key_[0-9a-f]{12}\tsites:admin,stats:read\t/m);
    expect(listed.stdout).not.toContain(secret!);
    expect(cli('site', 'public', 'cli.example', 'off').stdout).toMatch(/private/);

    const store = openSqliteStore({ file: path.join(dataDir, 'sightline.db'), synchronous: 'NORMAL' });
    try {
      expect((await store.getSite('cli.example'))?.public).toBe(false);
      expect(await store.listApiKeys('cli.example')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('lists when each key was last used, and revokes a key by its id', async () => {
    cli('site', 'add', 'cli.example');
    const secret = /\b(sl_[A-Za-z0-9_-]{43})\b/.exec(cli('key', 'add', 'cli.example').stdout)?.[1];
    const id = /^(key_[0-9a-f]{12})\t/m.exec(cli('key', 'list', 'cli.example').stdout)?.[1];
    const row = () => cli('key', 'list', 'cli.example').stdout.split('\n').find((line) => line.startsWith(`${id}\t`))?.split('\t');
    expect(row()).toEqual([id, 'stats:read', expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/), 'never used']);
    const store = openSqliteStore({ file: path.join(dataDir, 'sightline.db'), synchronous: 'NORMAL' });
    try {
      const key = await store.findApiKey(hashKey(secret!));
      await store.markApiKeyUsed(key!.id, Date.parse('2026-11-28T12:34:00Z'));
    } finally {
      await store.close();
    }
    expect(row()?.[3]).toBe('last used 2026-11-28T12:34:00.000Z');

    const revoked = cli('key', 'revoke', id!);
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toContain(`Revoked ${id} of cli.example`);
    expect(cli('key', 'list', 'cli.example').stdout).not.toContain(id!);
    const again = cli('key', 'revoke', id!);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/no key key_/);
    expect(cli('help', 'key', 'revoke').stdout).toMatch(/key revoke <key id>/);
  });

  it('refuses bad scopes and unknown sites with a usage error', () => {
    cli('site', 'add', 'cli.example');
    const scope = cli('key', 'add', 'cli.example', '--scope', 'stats:write');
    expect(scope.status).toBe(2);
    expect(scope.stderr).toMatch(/allowed: stats:read, sites:admin/);
    expect(cli('key', 'add', 'nowhere.example').status).toBe(2);
    expect(cli('site', 'public', 'cli.example', 'maybe').status).toBe(2);
  });
});
