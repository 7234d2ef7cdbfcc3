/**
 * Goals, conversion rates and funnels over HTTP, against a fixture counted by hand: seven
 * visitors of shop.example on one day, three goals and a three-step funnel.
 *
 *   V1 Google  s1: /  /pricing  Signup  /blog/a
 *   V2 Google  s2: /blog/b  Signup  Signup
 *   V3 direct  s3: /  /pricing
 *   V4 direct  s4: /  Signup                      skips /pricing
 *   V5 Google  s5: /about
 *   V6 direct  s6: /  /pricing   s7: Signup       the Signup is another visit
 *   V7 Google  s8: /pricing  /  Signup            /pricing before /
 */
import request from 'supertest';
import { issueKey } from '../src/sites/api-keys.js';
import type { StoredEvent } from '../src/store/types.js';
import { storedEvent } from './support/store-basics.js';
import { ADMIN_TOKEN, createTestApp, type TestApp } from './support/test-app.js';

const SITE = 'shop.example';
let t: TestApp;

const at = (time: string) => Date.parse(`2026-11-28T${time}:00Z`);
const event = (visitor: number, session: number, time: string, what: string, source: string | null): StoredEvent =>
  storedEvent({
    site: SITE,
    hostname: SITE,
    visitorId: visitor,
    sessionId: session,
    ts: at(time),
    referrerSource: source,
    ...(what.startsWith('/') ? { path: what } : { name: what, path: '/' }),
  });

const FIXTURE: StoredEvent[] = [
  event(1, 1, '08:00', '/', 'Google'),
  event(1, 1, '08:01', '/pricing', 'Google'),
  event(1, 1, '08:02', 'Signup', 'Google'),
  event(1, 1, '08:03', '/blog/a', 'Google'),
  event(2, 2, '09:00', '/blog/b', 'Google'),
  event(2, 2, '09:01', 'Signup', 'Google'),
  event(2, 2, '09:02', 'Signup', 'Google'),
  event(3, 3, '10:00', '/', null),
  event(3, 3, '10:01', '/pricing', null),
  event(4, 4, '10:30', '/', null),
  event(4, 4, '10:31', 'Signup', null),
  event(5, 5, '11:00', '/about', 'Google'),
  event(6, 6, '07:00', '/', null),
  event(6, 6, '07:01', '/pricing', null),
  event(6, 7, '11:30', 'Signup', null),
  event(7, 8, '06:00', '/pricing', 'Google'),
  event(7, 8, '06:01', '/', 'Google'),
  event(7, 8, '06:02', 'Signup', 'Google'),
];

const admin = () => ({ Authorization: `Bearer ${ADMIN_TOKEN}` });
const putGoal = (body: Record<string, unknown>) => request(t.app).put('/api/v1/sites/goals').set(admin()).send({ site_id: SITE, ...body });
const stats = (path: string, query: Record<string, string>) =>
  request(t.app).get(`/api/v1/stats/${path}`).query({ site_id: SITE, period: 'day', date: '2026-11-28', ...query });

beforeEach(async () => {
  t = await createTestApp({ sites: [SITE], now: '2026-11-28T12:00:00Z' });
  await t.store.insertEvents(FIXTURE);
});

afterEach(async () => {
  await t.close();
});

async function defineAll(): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const body of [{ goal_type: 'event', event_name: 'Signup' }, { goal_type: 'page', page_path: '/pricing' }, { goal_type: 'page', page_path: '/blog/*' }, { goal_type: 'page', page_path: '/' }]) {
    const response = await putGoal(body).expect(200);
    ids[response.body.display_name] = response.body.id;
    t.clock.advance(1000);
  }
  await request(t.app)
    .put('/api/v1/sites/funnels')
    .set(admin())
    .send({ site_id: SITE, name: 'Purchase', steps: ['Visit /', 'Visit /pricing', 'Signup'] })
    .expect(200);
  return ids;
}

describe('Sites API: goals', () => {
  it('puts a goal once, lists it as Plausible does and deletes it', async () => {
    const first = await putGoal({ goal_type: 'event', event_name: 'Signup' }).expect(200);
    expect(first.body).toEqual({ id: expect.any(Number), display_name: 'Signup', goal_type: 'event', event_name: 'Signup', page_path: null });
    const again = await putGoal({ goal_type: 'event', event_name: 'Signup' }).expect(200);
    expect(again.body.id).toBe(first.body.id);
    t.clock.advance(1000);
    const page = await putGoal({ goal_type: 'page', page_path: '/blog/*' }).expect(200);
    expect(page.body).toMatchObject({ display_name: 'Visit /blog/*', goal_type: 'page', event_name: null, page_path: '/blog/*' });

    const listed = await request(t.app).get('/api/v1/sites/goals').query({ site_id: SITE }).set(admin()).expect(200);
    expect(listed.body.goals.map((goal: { display_name: string }) => goal.display_name)).toEqual(['Signup', 'Visit /blog/*']);

    await request(t.app).delete(`/api/v1/sites/goals/${first.body.id}`).query({ site_id: SITE }).set(admin()).expect(200, { deleted: true });
    await request(t.app).delete(`/api/v1/sites/goals/${first.body.id}`).send({ site_id: SITE }).set(admin()).expect(404);
  });

  it.each([
    [{}, /goal_type/],
    [{ goal_type: 'event' }, /event_name is required/],
    [{ goal_type: 'page', page_path: 'pricing' }, /must start with \//],
    [{ goal_type: 'event', event_name: 'pageview' }, /not custom events/],
    [{ goal_type: 'event', event_name: 'Sign*' }, /must not contain \*/],
    [{ goal_type: 'event', event_name: 'Visit /x' }, /names page goals/],
    [{ goal_type: 'event', event_name: 'x'.repeat(121) }, /at most 120/],
    [{ goal_type: 'event', event_name: 'Signup', extra: 1 }, /extra/],
  ])('refuses %j with a 400 that says why', async (body, message) => {
    const response = await putGoal(body).expect(400);
    expect(JSON.stringify(response.body)).toMatch(message);
  });

  it('wants the admin token or a sites:admin key of the site', async () => {
    await request(t.app).put('/api/v1/sites/goals').send({ site_id: SITE, goal_type: 'event', event_name: 'Signup' }).expect(401);
    const reader = await issueKey(t.store, SITE, ['stats:read'], t.clock.now());
    await request(t.app).get('/api/v1/sites/goals').query({ site_id: SITE }).set('Authorization', `Bearer ${reader.secret}`).expect(403);
    const siteAdmin = await issueKey(t.store, SITE, ['sites:admin'], t.clock.now());
    await request(t.app)
      .put('/api/v1/sites/goals')
      .set('Authorization', `Bearer ${siteAdmin.secret}`)
      .send({ site_id: SITE, goal_type: 'page', page_path: '/pricing' })
      .expect(200);
    await request(t.app).get('/api/v1/sites/goals').query({ site_id: 'nowhere.example' }).set(admin()).expect(404);
  });

  it('keeps a goal that is a funnel step until the funnel goes', async () => {
    const ids = await defineAll();
    const refused = await request(t.app).delete(`/api/v1/sites/goals/${ids['Signup']}`).query({ site_id: SITE }).set(admin()).expect(409);
    expect(refused.body.error).toMatch(/funnel "Purchase"/);
    await request(t.app).delete('/api/v1/sites/goals/abc').query({ site_id: SITE }).set(admin()).expect(400);
    await request(t.app).delete('/api/v1/sites/goals/1').set(admin()).expect(400);
  });
});

describe('Sites API: funnels', () => {
  it('puts, replaces by name, lists and deletes funnels', async () => {
    const ids = await defineAll();
    const listed = await request(t.app).get('/api/v1/sites/funnels').query({ site_id: SITE }).set(admin()).expect(200);
    expect(listed.body.funnels).toHaveLength(1);
    expect(listed.body.funnels[0].steps.map((step: { display_name: string }) => step.display_name)).toEqual(['Visit /', 'Visit /pricing', 'Signup']);
    const replaced = await request(t.app)
      .put('/api/v1/sites/funnels')
      .set(admin())
      .send({ site_id: SITE, name: 'Purchase', steps: [ids['Visit /pricing'], 'Signup'] })
      .expect(200);
    expect(replaced.body.id).toBe(listed.body.funnels[0].id);
    expect(replaced.body.steps.map((step: { display_name: string }) => step.display_name)).toEqual(['Visit /pricing', 'Signup']);
    await request(t.app).delete(`/api/v1/sites/funnels/${replaced.body.id}`).query({ site_id: SITE }).set(admin()).expect(200);
    await request(t.app).delete(`/api/v1/sites/funnels/${replaced.body.id}`).query({ site_id: SITE }).set(admin()).expect(404);
  });

  it.each([
    [['Signup'], 400, /2 to 8 steps/],
    [Array.from({ length: 9 }, () => 'Signup'), 400, /2 to 8 steps/],
    [['Signup', 'Download'], 400, /no goal .{1,2}Download/],
    [['Signup', 'Signup'], 400, /more than one step/],
    ['Signup', 400, /list of goals/],
  ])('refuses steps %j', async (steps, status, message) => {
    await defineAll();
    const response = await request(t.app).put('/api/v1/sites/funnels').set(admin()).send({ site_id: SITE, name: 'Bad', steps }).expect(status);
    expect(JSON.stringify(response.body)).toMatch(message);
  });
});

describe('Stats API: goals and conversion rates', () => {
  beforeEach(async () => {
    await defineAll();
  });

  it('breaks down by event:goal: visitors, events and conversion_rate per goal with a conversion', async () => {
    const response = await stats('breakdown', { property: 'event:goal', metrics: 'visitors,events,conversion_rate' }).expect(200);
    // 7 visitors in all. Signup: V1 V2 V4 V6 V7 with 6 Signups; /pricing: V1 V3 V6 V7; / : V1 V3 V4 V6 V7; /blog/*: V1 V2.
    expect(response.body.results).toEqual([
      { goal: 'Signup', visitors: 5, events: 6, conversion_rate: 71.4 },
      { goal: 'Visit /', visitors: 5, events: 5, conversion_rate: 71.4 },
      { goal: 'Visit /pricing', visitors: 4, events: 4, conversion_rate: 57.1 },
      { goal: 'Visit /blog/*', visitors: 2, events: 2, conversion_rate: 28.6 },
    ]);
    const paged = await stats('breakdown', { property: 'event:goal', limit: '2', page: '2' }).expect(200);
    expect(paged.body.results).toEqual([
      { goal: 'Visit /pricing', visitors: 4 },
      { goal: 'Visit /blog/*', visitors: 2 },
    ]);
  });

  it('counts an event goal under a visit filter against the visitors of that filter', async () => {
    // Google: V1 V2 V5 V7; of them V1 V2 V7 signed up, 4 Signups.
    const response = await stats('aggregate', { filters: 'event:goal==Signup;visit:source==Google', metrics: 'visitors,events,conversion_rate' }).expect(200);
    expect(response.body.results).toEqual({ visitors: { value: 3 }, events: { value: 4 }, conversion_rate: { value: 75 } });
    const goals = await stats('breakdown', { property: 'event:goal', filters: 'visit:source==Google', metrics: 'visitors,conversion_rate' }).expect(200);
    expect(goals.body.results).toEqual([
      { goal: 'Signup', visitors: 3, conversion_rate: 75 },
      // Ties in visitors and events go by name.
      { goal: 'Visit /', visitors: 2, conversion_rate: 50 },
      { goal: 'Visit /blog/*', visitors: 2, conversion_rate: 50 },
      { goal: 'Visit /pricing', visitors: 2, conversion_rate: 50 },
    ]);
  });

  it('filters by a page goal with * and by several goals of a kind', async () => {
    const blog = await stats('aggregate', { filters: 'event:goal==Visit /blog/*', metrics: 'visitors,pageviews,events,conversion_rate' }).expect(200);
    expect(blog.body.results).toEqual({ visitors: { value: 2 }, pageviews: { value: 2 }, events: { value: 2 }, conversion_rate: { value: 28.6 } });
    const pages = await stats('aggregate', { filters: 'event:goal==Visit /pricing|Visit /blog/*', metrics: 'visitors' }).expect(200);
    // V1 V3 V6 V7 on /pricing, V1 V2 on the blog.
    expect(pages.body.results).toEqual({ visitors: { value: 5 } });
    // A pattern of custom event goals never matches the tracker's pageviews: only the 6 Signups.
    const anyEvent = await stats('aggregate', { filters: 'event:goal==*', metrics: 'events' }).expect(200);
    expect(anyEvent.body.results).toEqual({ events: { value: 6 } });
    const only = await stats('breakdown', { property: 'event:goal', filters: 'event:goal==Visit /blog/*' }).expect(200);
    expect(only.body.results).toEqual([{ goal: 'Visit /blog/*', visitors: 2 }]);
  });

  it('filters by goals of both kinds: a Signup or a pageview of /pricing, in every endpoint', async () => {
    const both = 'event:goal==Signup|Visit /pricing';
    // Signup: 6 by V1 V2 V4 V6 V7; /pricing: V1 V3 V6 V7. Six of the seven visitors, in visits s1-s4 and s6-s8.
    const all = await stats('aggregate', { filters: both, metrics: 'visitors,visits,pageviews,events,bounce_rate,conversion_rate' }).expect(200);
    expect(all.body.results).toEqual({
      visitors: { value: 6 },
      visits: { value: 7 },
      pageviews: { value: 4 },
      events: { value: 10 },
      bounce_rate: { value: 0 },
      conversion_rate: { value: 85.7 },
    });
    // Google: V1 V2 V5 V7; V1 and V7 have both, V2 two Signups.
    const google = await stats('aggregate', { filters: `${both};visit:source==Google`, metrics: 'visitors,events,conversion_rate' }).expect(200);
    expect(google.body.results).toEqual({ visitors: { value: 3 }, events: { value: 6 }, conversion_rate: { value: 75 } });
    const sources = await stats('breakdown', { property: 'visit:source', filters: both, metrics: 'visitors,conversion_rate' }).expect(200);
    // Direct: V3 V4 V6, all three. A tie in visitors puts the missing source last.
    expect(sources.body.results).toEqual([
      { source: 'Google', visitors: 3, conversion_rate: 75 },
      { source: null, visitors: 3, conversion_rate: 100 },
    ]);
    // The Signups are on /.
    const pages = await stats('breakdown', { property: 'event:page', filters: both, metrics: 'visitors,events' }).expect(200);
    expect(pages.body.results).toEqual([
      { page: '/', visitors: 5, events: 6 },
      { page: '/pricing', visitors: 4, events: 4 },
    ]);
    const goals = await stats('breakdown', { property: 'event:goal', filters: both, metrics: 'visitors,events,conversion_rate' }).expect(200);
    expect(goals.body.results).toEqual([
      { goal: 'Signup', visitors: 5, events: 6, conversion_rate: 71.4 },
      { goal: 'Visit /pricing', visitors: 4, events: 4, conversion_rate: 57.1 },
    ]);
    const series = await stats('timeseries', { filters: both, metrics: 'visitors,events,conversion_rate', interval: 'hour' }).expect(200);
    const hours = Object.fromEntries(series.body.results.map((row: { date: string }) => [row.date.slice(11, 13), row]));
    // 06h: V7's two; 07h: V6's /pricing; 10h: V3's /pricing and V4's Signup; 11h: V6's Signup, not V5.
    expect(hours['06']).toMatchObject({ visitors: 1, events: 2, conversion_rate: 100 });
    expect(hours['07']).toMatchObject({ visitors: 1, events: 1, conversion_rate: 100 });
    expect(hours['10']).toMatchObject({ visitors: 2, events: 2, conversion_rate: 100 });
    expect(hours['11']).toMatchObject({ visitors: 1, events: 1, conversion_rate: 50 });
  });

  it('answers conversion_rate per source and per bucket', async () => {
    const sources = await stats('breakdown', { property: 'visit:source', filters: 'event:goal==Signup', metrics: 'visitors,conversion_rate' }).expect(200);
    // Google: 3 of 4; direct: V4 V6 of V3 V4 V6.
    expect(sources.body.results).toEqual([
      { source: 'Google', visitors: 3, conversion_rate: 75 },
      { source: null, visitors: 2, conversion_rate: 66.7 },
    ]);
    const series = await stats('timeseries', { filters: 'event:goal==Signup', metrics: 'visitors,conversion_rate', interval: 'hour' }).expect(200);
    const hours = Object.fromEntries(series.body.results.map((row: { date: string }) => [row.date.slice(11, 13), row]));
    // 08h: V1 of V1; 10h: V4 of V3 V4; 11h: V6's Signup of V5 and V6.
    expect(hours['08']).toMatchObject({ visitors: 1, conversion_rate: 100 });
    expect(hours['10']).toMatchObject({ visitors: 1, conversion_rate: 50 });
    expect(hours['11']).toMatchObject({ visitors: 1, conversion_rate: 50 });
    expect(hours['05']).toMatchObject({ visitors: 0, conversion_rate: 0 });
  });

  it.each([
    [{ metrics: 'conversion_rate' }, 'aggregate', /needs an event:goal filter/],
    [{ filters: 'event:goal!=Signup' }, 'aggregate', /takes only ==/],
    [{ filters: 'event:goal==Signup;event:goal==Visit /' }, 'aggregate', /at most one event:goal filter/],
    [{ property: 'event:goal', metrics: 'bounce_rate' }, 'breakdown', /visitors, events, conversion_rate/],
    [{ metrics: 'conversion' }, 'aggregate', /unknown metric/],
  ])('refuses %j with a 400', async (query, endpoint, message) => {
    const response = await stats(endpoint, query).expect(400);
    expect(JSON.stringify(response.body)).toMatch(message);
  });
});

describe('Stats API: funnels', () => {
  beforeEach(async () => {
    await defineAll();
  });

  it('counts each step within one visit, in order, with conversion and drop-off', async () => {
    const response = await stats('funnel', { funnel: 'Purchase' }).expect(200);
    // Visit /: V1 V3 V4 V6 V7. Then /pricing: V1 V3 V6 (V7 saw it before /, V4 skipped it). Then Signup: V1 (V6's was another visit).
    expect(response.body).toEqual({
      funnel: { id: expect.any(Number), name: 'Purchase' },
      steps: [
        { goal: 'Visit /', visitors: 5, conversion_rate: 100, conversion_rate_step: 100, dropoff: 0, dropoff_percentage: 0 },
        { goal: 'Visit /pricing', visitors: 3, conversion_rate: 60, conversion_rate_step: 60, dropoff: 2, dropoff_percentage: 40 },
        { goal: 'Signup', visitors: 1, conversion_rate: 20, conversion_rate_step: 33.3, dropoff: 2, dropoff_percentage: 66.7 },
      ],
    });
    const byId = await stats('funnel', { funnel: String(response.body.funnel.id) }).expect(200);
    expect(byId.body).toEqual(response.body);
  });

  it('applies visit and event filters as the other endpoints do', async () => {
    const google = await stats('funnel', { funnel: 'Purchase', filters: 'visit:source==Google' }).expect(200);
    // Google: V1 (all three), V7 (/ only).
    expect(google.body.steps.map((step: { visitors: number }) => step.visitors)).toEqual([2, 1, 1]);
    const before9 = await stats('funnel', { funnel: 'Purchase', period: 'custom', date: '2026-11-27,2026-11-27' }).expect(200);
    expect(before9.body.steps.map((step: { visitors: number }) => step.visitors)).toEqual([0, 0, 0]);
    expect(before9.body.steps[1]).toMatchObject({ conversion_rate: 0, conversion_rate_step: 0, dropoff_percentage: 0 });
  });

  it('lets only events completing a goal of a mixed goal filter complete a step', async () => {
    const visitors = async (filters: string) => (await stats('funnel', { funnel: 'Purchase', filters }).expect(200)).body.steps.map((step: { visitors: number }) => step.visitors);
    // The /pricing pageviews pass neither goal, so no one gets past Visit /.
    expect(await visitors('event:goal==Visit /|Signup')).toEqual([5, 0, 0]);
    // Every page and every Signup pass: the funnel as without a filter.
    expect(await visitors('event:goal==Signup|Visit /*')).toEqual([5, 3, 1]);
  });

  it('says which funnels exist when asked for another', async () => {
    const response = await stats('funnel', { funnel: 'Checkout' }).expect(400);
    expect(response.body.error).toMatch(/no funnel "Checkout"; its funnels: Purchase/);
    await stats('funnel', {}).expect(400);
  });
});
