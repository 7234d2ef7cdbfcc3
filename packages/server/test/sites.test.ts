import request from 'supertest';
import { ADMIN_TOKEN, createTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;

beforeEach(async () => {
  t = await createTestApp({ sites: [] });
});

afterEach(async () => {
  await t.close();
});

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('site administration', () => {
  it('registers a site once and answers with the snippet', async () => {
    const created = await request(t.app)
      .post('/api/sites')
      .set(admin)
      .send({ domain: 'shop.example.org', timezone: 'Europe/Paris' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ domain: 'shop.example.org', timezone: 'Europe/Paris' });
    expect(created.body.snippet).toBe(
      '<script defer data-site="shop.example.org" src="http://localhost:8000/s.js"></script>',
    );
    const again = await request(t.app).post('/api/sites').set(admin).send({ domain: 'shop.example.org' });
    expect(again.status).toBe(409);
    const list = await request(t.app).get('/api/sites').set(admin).expect(200);
    expect(list.body.sites).toEqual([expect.objectContaining({ domain: 'shop.example.org' })]);
  });

  it.each([
    ['no token', {}, 401],
    ['a wrong token', { Authorization: 'Bearer not-the-admin-token-at-all' }, 401],
    ['a malformed header', { Authorization: ADMIN_TOKEN }, 401],
  ])('refuses %s', async (_name, headers, status) => {
    const response = await request(t.app).post('/api/sites').set(headers).send({ domain: 'example.org' });
    expect(response.status).toBe(status);
    expect(response.body.error).toEqual(expect.any(String));
    expect(await t.store.listSites()).toEqual([]);
  });

  it.each([
    [{ domain: 'https://example.org/' }],
    [{ domain: 'exa mple.org' }],
    [{ domain: 'example.org', timezone: 'Mars/Olympus' }],
    [{}],
  ])('rejects %j with 400', async (body) => {
    const response = await request(t.app).post('/api/sites').set(admin).send(body);
    expect(response.status).toBe(400);
    expect(await t.store.listSites()).toEqual([]);
  });

  it('stores domains in lower case', async () => {
    const created = await request(t.app).post('/api/sites').set(admin).send({ domain: 'Example.ORG' }).expect(201);
    expect(created.body.domain).toBe('example.org');
  });

  it('is off without ADMIN_TOKEN, whatever the caller sends', async () => {
    const closed = await createTestApp({ sites: [], env: { ADMIN_TOKEN: undefined } });
    try {
      const response = await request(closed.app).post('/api/sites').set(admin).send({ domain: 'example.org' });
      expect(response.status).toBe(403);
      expect(response.body.error).toMatch(/ADMIN_TOKEN/);
    } finally {
      await closed.close();
    }
  });
});
