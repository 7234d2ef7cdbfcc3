import request from 'supertest';
import { storedEvent } from './support/store-basics.js';
import { BROWSER_UA, createTestApp, pageview, type TestApp } from './support/test-app.js';

let t: TestApp;

beforeEach(async () => {
  t = await createTestApp();
});

afterEach(async () => {
  await t.close();
});

describe('the first version’s API on the default site', () => {
  it('POST /track records a page view that GET /stats and /api/stats both count', async () => {
    const tracked = await request(t.app).post('/track').send({ page_id: 'home', user_id: 'user123' });
    expect(tracked.status).toBe(202);
    expect(tracked.body).toEqual({ status: 'ok' });
    await request(t.app).post('/track').send({ page_id: 'home', user_id: 'user123' }).expect(202);
    await request(t.app).post('/track').send({ page_id: 'pricing', user_id: 'user456' }).expect(202);
    await request(t.app)
      .post('/api/event')
      .set('User-Agent', BROWSER_UA)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify(pageview({ url: 'https://example.com/home' })))
      .expect(202);

    const seed = await request(t.app).get('/stats').expect(200);
    expect(seed.body).toEqual({
      total_views: 4,
      unique_visitors: 3,
      pages: [
        { page_id: 'home', views: 3, unique_visitors: 2 },
        { page_id: 'pricing', views: 1, unique_visitors: 1 },
      ],
    });

    const stats = await request(t.app).get('/api/stats').query({ site: 'example.com' }).expect(200);
    expect(stats.body).toMatchObject({
      site: 'example.com',
      pageviews: 4,
      visitors: 3,
      top_pages: [
        { page: '/home', pageviews: 3, visitors: 2 },
        { page: '/pricing', pageviews: 1, visitors: 1 },
      ],
    });
  });

  it('rejects a track request without a page_id and stores nothing', async () => {
    const response = await request(t.app).post('/track').send({ user_id: 'user123' });
    expect(response.status).toBe(400);
    expect(response.body.error).toBeDefined();
    expect(await t.store.countEvents('example.com')).toBe(0);
  });
});

describe('GET /api/stats', () => {
  it('counts only the requested days in the site’s time zone', async () => {
    t.clock.set('2026-11-20T10:00:00Z');
    await request(t.app).post('/track').send({ page_id: 'old' }).expect(202);
    t.clock.set('2026-11-28T10:00:00Z');
    await request(t.app).post('/track').send({ page_id: 'new' }).expect(202);
    const response = await request(t.app)
      .get('/api/stats')
      .query({ site: 'example.com', from: '2026-11-25', to: '2026-11-28' })
      .expect(200);
    expect(response.body).toMatchObject({ from: '2026-11-25', to: '2026-11-28', pageviews: 1 });
    expect(response.body.top_pages).toEqual([{ page: '/new', pageviews: 1, visitors: 1 }]);
  });

  it('shows a new event at once although the answer is cached', async () => {
    await request(t.app).get('/api/stats').query({ site: 'example.com' }).expect('X-Cache', 'miss');
    const hit = await request(t.app).get('/api/stats').query({ site: 'example.com' }).expect('X-Cache', 'hit');
    expect(hit.headers.vary).toMatch(/Authorization/);
    await request(t.app).post('/track').send({ page_id: 'fresh' }).expect(202);
    t.clock.advance(10_000);
    const after = await request(t.app).get('/api/stats').query({ site: 'example.com' });
    expect(after.body.pageviews).toBe(1);
  });

  it.each([
    [{}, 400],
    [{ site: 'nope.com' }, 404],
    [{ site: 'example.com', from: '2026-13-01' }, 400],
    [{ site: 'example.com', from: '2026-11-28', to: '2026-11-01' }, 400],
    [{ site: 'example.com', limit: '0' }, 400],
  ])('answers %j with %i and a JSON error', async (query, status) => {
    const response = await request(t.app).get('/api/stats').query(query);
    expect(response.status).toBe(status);
    expect(response.body.error).toEqual(expect.any(String));
  });

  it('answers GET /stats a thousand pages at a time, by views, so the answer does not grow with the site', async () => {
    const at = Date.parse('2026-11-28T10:00:00Z');
    const pages = Array.from({ length: 1002 }, (_, index) => `/p${String(index).padStart(4, '0')}`);
    await t.store.insertEvents(
      [...pages, '/p1001'].map((path, index) => storedEvent({ path, ts: at + index, visitorId: index, sessionId: index })),
    );
    const first = await request(t.app).get('/stats').expect(200);
    expect(first.body).toMatchObject({ total_views: 1003, unique_visitors: 1003 });
    expect(first.body.pages).toHaveLength(1000);
    expect(first.body.pages[0]).toEqual({ page_id: 'p1001', views: 2, unique_visitors: 2 });
    expect(first.body.pages[1]).toEqual({ page_id: 'p0000', views: 1, unique_visitors: 1 });
    const second = await request(t.app).get('/stats').query({ page: '2' }).expect(200);
    expect(second.body.pages.map((page: { page_id: string }) => page.page_id)).toEqual(['p0999', 'p1000']);
    expect((await request(t.app).get('/stats').query({ page: '3' }).expect(200)).body.pages).toEqual([]);
  });

  it.each([[{ page: '0' }], [{ page: 'two' }], [{ page: '1.5' }], [{ colour: 'blue' }]])('answers GET /stats?%j with a 400 naming the parameter', async (query) => {
    const response = await request(t.app).get('/stats').query(query).expect(400);
    expect(response.body.error).toBe('invalid query');
    expect(response.body.details).toEqual([expect.objectContaining({ field: Object.keys(query)[0] === 'colour' ? '(query)' : 'page' })]);
  });
});
