/**
 * The goals and funnels sections of a site's page, driven over HTTP as a browser would: adding,
 * listing and deleting, refusals shown in their section with the form as it was filled in, the
 * funnel form's step buttons, and the rules every site setting follows (a signed-in owner or
 * admin, a form from this server).
 */
import request from 'supertest';
import { Accounts } from '../src/accounts/accounts.js';
import { StoreSessions } from '../src/accounts/session-store.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ORIGIN = 'http://localhost:8000';
const PASSWORD = 'correct horse battery staple';
const SITE = 'shop.example';

let t: TestApp;

beforeEach(async () => {
  t = await createTestApp({ sites: [SITE], publicSites: false });
});

afterEach(async () => {
  await t.close();
});

const accounts = () => new Accounts(t.store.accounts, new StoreSessions(t.store.accounts), t.clock, t.config.publicUrl);
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';
const sessionOf = (response: request.Response) =>
  ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith('sightline_session='))!.split(';')[0]!;
const csrfIn = (text: string) => /name="csrf" value="([^"]+)"/.exec(text)?.[1] ?? '';
const section = (text: string, id: string) => new RegExp(`<section class="card" id="${id}"[\\s\\S]*?</section>`).exec(text)?.[0] ?? '';

async function owner(): Promise<string> {
  const setup = await request(t.app).post('/setup').set('Origin', ORIGIN).type('form').send({ token: tokenOf(await accounts().setupLink()), email: 'owner@example.com', password: PASSWORD });
  return sessionOf(setup);
}

/** Someone invited with `role`, signed in through their welcome link. */
async function invited(role: 'admin' | 'viewer'): Promise<string> {
  const link = await accounts().invite(`${role}@example.com`, role, role === 'viewer' ? [SITE] : []);
  return sessionOf(await request(t.app).post('/welcome').set('Origin', ORIGIN).type('form').send({ token: tokenOf(link), password: PASSWORD }));
}

/** Posts a form of the site's page as the browser signed in with `cookie` would. */
function poster(cookie: string, csrf: string) {
  return (path: string, form: Record<string, string | string[]> = {}) =>
    request(t.app).post(`/sites/${SITE}${path}`).set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ csrf, ...form });
}

async function signedInPoster(cookie: string) {
  const page = await request(t.app).get(`/sites/${SITE}`).set('Cookie', cookie).expect(200);
  return poster(cookie, csrfIn(page.text));
}

/** The goal id each of the funnel form's step selects shows chosen, '' for none, in order. */
const stepsShown = (text: string) =>
  [...section(text, 'funnels').matchAll(/<select id="funnel-step-\d+" name="step"[^>]*>([\s\S]*?)<\/select>/g)].map(
    ([, options]) => /<option value="(\d*)" selected>/.exec(options!)?.[1] ?? '',
  );
const stepButtons = (text: string) => ({
  add: section(text, 'funnels').includes('name="add_step"'),
  remove: [...section(text, 'funnels').matchAll(/name="remove_step" value="(\d+)"/g)].map(([, step]) => Number(step)),
});

const names = async () => (await t.store.listGoals(SITE)).map((goal) => `${goal.type} ${goal.value}`);

describe('the goals and funnels sections', () => {
  it('add, list and delete goals and funnels', async () => {
    const cookie = await owner();
    const empty = await request(t.app).get(`/sites/${SITE}`).set('Cookie', cookie).expect(200);
    expect(section(empty.text, 'goals')).toContain('No goals yet.');
    expect(section(empty.text, 'funnels')).toContain('add at least 2 goals first');
    const post = poster(cookie, csrfIn(empty.text));

    expect((await post('/goals', { goal_type: 'event', event_name: ' Signup ', page_path: '/ignored' })).status).toBe(200);
    // Goals list oldest first.
    t.clock.advance(1000);
    expect((await post('/goals', { goal_type: 'page', page_path: '/blog/*', event_name: 'ignored' })).status).toBe(200);
    // The same goal again is harmless in the API; here the person is told the site has it.
    const again = await post('/goals', { goal_type: 'event', event_name: 'Signup' });
    expect(again.status).toBe(409);
    expect(await names()).toEqual(['event Signup', 'page /blog/*']);
    const goals = section(again.text, 'goals');
    expect(goals).toMatch(/role="alert">shop\.example already has the goal &quot;Signup&quot;</);
    expect(goals).toContain('<td>Signup</td><td>custom event</td>');
    expect(goals).toContain('<td>Visit /blog/*</td><td>page visit</td>');

    const [signup, blog] = await t.store.listGoals(SITE);
    const saved = await post('/funnels', { name: 'Read then sign up', step: [String(blog!.id), String(signup!.id)] });
    expect(saved.status).toBe(200);
    expect(section(saved.text, 'funnels')).toContain('<td>Read then sign up</td><td>Visit /blog/* → Signup</td>');
    // Saved, the form is empty again for the next funnel.
    expect(stepsShown(saved.text)).toEqual(['', '']);
    expect(section(saved.text, 'funnels')).toContain('id="funnel-name" name="name" required autocomplete="off" placeholder="e.g. Checkout" value=""');
    const [funnel] = await t.store.listFunnels(SITE);
    expect(funnel).toMatchObject({ name: 'Read then sign up', steps: [blog!.id, signup!.id] });

    const gone = await post(`/funnels/${funnel!.id}/delete`);
    expect(gone.status).toBe(200);
    expect(section(gone.text, 'funnels')).toContain('No funnels yet.');
    expect(await t.store.listFunnels(SITE)).toEqual([]);
    expect((await post(`/goals/${signup!.id}/delete`)).status).toBe(200);
    expect(await names()).toEqual(['page /blog/*']);
  });

  it('shows a refusal in its section, in the words of the Sites API or by step number, and stores nothing', async () => {
    const post = await signedInPoster(await owner());
    const cases: Array<[string, Record<string, string | string[]>, number, string, RegExp]> = [
      ['/goals', { goal_type: 'event', event_name: 'Sign*' }, 400, 'goals', /must not contain \*/],
      ['/goals', { goal_type: 'event', event_name: '' }, 400, 'goals', /event_name must not be empty/],
      ['/goals', { goal_type: 'page', page_path: 'pricing' }, 400, 'goals', /page_path must start with \//],
      ['/goals', { goal_type: 'king', event_name: 'Signup' }, 400, 'goals', /goal_type must be event/],
      ['/goals', { goal_type: 'page', page_path: `/${'x'.repeat(3000)}` }, 400, 'goals', /at most 2048/],
      ['/goals/12/delete', {}, 404, 'goals', /has no such goal/],
      ['/goals/abc/delete', {}, 404, 'goals', /has no such goal/],
      ['/funnels/12/delete', {}, 404, 'funnels', /has no such funnel/],
    ];
    for (const [path, form, status, id, message] of cases) {
      const response = await post(path, form);
      expect([path, response.status]).toEqual([path, status]);
      expect(section(response.text, id)).toMatch(new RegExp(`role="alert">[^<]*${message.source}`));
    }
    expect(await t.store.listGoals(SITE)).toEqual([]);

    await post('/goals', { goal_type: 'event', event_name: 'Signup' });
    t.clock.advance(1000);
    await post('/goals', { goal_type: 'page', page_path: '/pricing' });
    const [signup, pricing] = await t.store.listGoals(SITE);
    const funnels: Array<[Record<string, string | string[]>, RegExp]> = [
      [{ name: 'Short', step: [String(signup!.id), ''] }, /role="alert">choose a goal for step 2</],
      [{ name: 'Gap', step: [String(signup!.id), '', String(pricing!.id)] }, /role="alert">choose a goal for step 2, or remove the step</],
      [{ name: 'One', step: String(signup!.id) }, /role="alert">a funnel has 2 to 8 steps</],
      [{ name: 'Nine', step: Array.from({ length: 9 }, (_, i) => String(i % 2 === 0 ? signup!.id : pricing!.id)) }, /role="alert">a funnel has 2 to 8 steps</],
      [{ name: 'Twice', step: [String(signup!.id), String(pricing!.id), String(signup!.id)] }, /role="alert">&quot;Signup&quot; is chosen for steps 1 and 3; each step is a different goal</],
      [{ name: 'Unknown', step: [String(signup!.id), '999'] }, /role="alert">the goal chosen for step 2 no longer exists; choose another</],
      [{ name: 'Gone', step: ['998', String(signup!.id), '999'] }, /role="alert">the goals chosen for steps 1 and 3 no longer exist; choose others</],
      [{ name: '', step: [String(signup!.id), String(pricing!.id)] }, /role="alert">name must not be empty</],
      [{ name: ' ', step: [String(signup!.id), ''] }, /role="alert">name must not be empty; choose a goal for step 2</],
    ];
    for (const [form, message] of funnels) {
      const response = await post('/funnels', form);
      expect([form.name, response.status]).toEqual([form.name, 400]);
      expect(section(response.text, 'funnels')).toMatch(message);
    }
    expect(await t.store.listFunnels(SITE)).toEqual([]);

    await post('/funnels', { name: 'Checkout', step: [String(pricing!.id), String(signup!.id)] });
    const kept = await post(`/goals/${signup!.id}/delete`);
    expect(kept.status).toBe(409);
    expect(section(kept.text, 'goals')).toMatch(/step of the funnel &quot;Checkout&quot;; delete or redefine it first/);
    expect(await t.store.listGoals(SITE)).toHaveLength(2);
  });

  it('keeps what was typed into a refused goal form, escaped', async () => {
    const post = await signedInPoster(await owner());
    const page = await post('/goals', { goal_type: 'page', page_path: 'pricing"><b>', event_name: 'Sign up' });
    expect(page.status).toBe(400);
    const goals = section(page.text, 'goals');
    expect(goals).toMatch(/role="alert">page_path must start with \/</);
    expect(goals).toContain('name="goal_type" value="page" checked>');
    expect(goals).not.toContain('name="goal_type" value="event" checked>');
    expect(goals).toContain('value="pricing&quot;&gt;&lt;b&gt;"');
    expect(goals).toContain('value="Sign up"');

    const event = await post('/goals', { goal_type: 'event', event_name: 'Sign*', page_path: '/kept' });
    const again = section(event.text, 'goals');
    expect(again).toContain('name="goal_type" value="event" checked>');
    expect(again).toContain('value="Sign*"');
    expect(again).toContain('value="/kept"');
    // Only the form that was sent is filled in.
    expect(section(event.text, 'funnels')).not.toContain('/kept');
    expect(await t.store.listGoals(SITE)).toEqual([]);
  });

  it('keeps the name and chosen steps of a refused funnel form, escaped', async () => {
    const post = await signedInPoster(await owner());
    await post('/goals', { goal_type: 'event', event_name: 'Signup' });
    t.clock.advance(1000);
    await post('/goals', { goal_type: 'page', page_path: '/pricing' });
    const [signup, pricing] = (await t.store.listGoals(SITE)).map((goal) => String(goal.id));

    const gap = await post('/funnels', { name: '<Checkout>', step: [pricing!, '', signup!] });
    expect(gap.status).toBe(400);
    expect(section(gap.text, 'funnels')).toContain('value="&lt;Checkout&gt;"');
    expect(stepsShown(gap.text)).toEqual([pricing, '', signup]);
    expect(stepButtons(gap.text)).toEqual({ add: true, remove: [1, 2, 3] });
    // Only the form that was sent is filled in.
    expect(section(gap.text, 'goals')).toMatch(/id="goal-event-name"[^>]*value=""/);

    const nine = await post('/funnels', { name: 'Long', step: Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? signup! : pricing!)) });
    expect(stepsShown(nine.text)).toHaveLength(8);
    expect(stepButtons(nine.text).add).toBe(false);
    expect(section(nine.text, 'funnels')).toContain('8 steps is the most a funnel has.');

    const one = await post('/funnels', { name: 'One', step: signup! });
    expect(stepsShown(one.text)).toEqual([signup, '']);
    expect(stepButtons(one.text)).toEqual({ add: true, remove: [] });
    expect(await t.store.listFunnels(SITE)).toEqual([]);
  });

  it('shows two steps to start, and adds and removes steps up to eight without saving', async () => {
    const cookie = await owner();
    const post = await signedInPoster(cookie);
    await post('/goals', { goal_type: 'event', event_name: 'Signup' });
    t.clock.advance(1000);
    await post('/goals', { goal_type: 'page', page_path: '/pricing' });
    t.clock.advance(1000);
    await post('/goals', { goal_type: 'page', page_path: '/' });
    const [signup, pricing, home] = (await t.store.listGoals(SITE)).map((goal) => String(goal.id));

    const first = await request(t.app).get(`/sites/${SITE}`).set('Cookie', cookie).expect(200);
    expect(stepsShown(first.text)).toEqual(['', '']);
    expect(stepButtons(first.text)).toEqual({ add: true, remove: [] });
    const form = /<form method="post" action="\/sites\/shop\.example\/funnels" class="form">[\s\S]*?<\/form>/.exec(first.text)?.[0] ?? '';
    // Enter in the name field presses the first submit button: it must save, not change the steps.
    expect(/<button[^>]*>/.exec(form)?.[0]).toBe('<button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">');
    expect(form).toContain('name="add_step" value="1" formaction="/sites/shop.example/funnels/steps#funnels" formnovalidate>Add a step</button>');

    const added = await post('/funnels/steps', { name: 'Buy', step: [home!, pricing!], add_step: '1' });
    expect(added.status).toBe(200);
    expect(section(added.text, 'funnels')).toContain('value="Buy"');
    expect(section(added.text, 'funnels')).not.toContain('role="alert"');
    expect(stepsShown(added.text)).toEqual([home, pricing, '']);
    expect(stepButtons(added.text)).toEqual({ add: true, remove: [1, 2, 3] });

    const removed = await post('/funnels/steps', { name: 'Buy', step: [home!, pricing!, signup!], remove_step: '2' });
    expect(stepsShown(removed.text)).toEqual([home, signup]);
    expect(stepButtons(removed.text)).toEqual({ add: true, remove: [] });

    let steps = [home!, pricing!];
    for (let shown = 3; shown <= 8; shown++) {
      steps = stepsShown((await post('/funnels/steps', { name: 'Buy', step: steps, add_step: '1' })).text);
      expect(steps).toHaveLength(shown);
    }
    const full = await post('/funnels/steps', { name: 'Buy', step: steps, add_step: '1' });
    expect(stepsShown(full.text)).toHaveLength(8);
    expect(stepButtons(full.text)).toEqual({ add: false, remove: [1, 2, 3, 4, 5, 6, 7, 8] });
    // Never fewer than two rows, whatever is sent.
    expect(stepsShown((await post('/funnels/steps', { step: [home!, pricing!], remove_step: '1' })).text)).toEqual([pricing, '']);
    expect(await t.store.listFunnels(SITE)).toEqual([]);

    // The steps chosen over three rows save as a 3-step funnel.
    const saved = await post('/funnels', { name: 'Buy', step: [home!, pricing!, signup!] });
    expect(saved.status).toBe(200);
    expect(section(saved.text, 'funnels')).toContain('<td>Buy</td><td>Visit / → Visit /pricing → Signup</td>');
  });

  it('refuse a form from another origin, without one, or without the session token', async () => {
    const cookie = await owner();
    const csrf = csrfIn((await request(t.app).get(`/sites/${SITE}`).set('Cookie', cookie)).text);
    const form = { goal_type: 'event', event_name: 'Signup' };
    const url = `/sites/${SITE}/goals`;
    const cases = [
      request(t.app).post(url).set('Cookie', cookie).set('Origin', 'https://evil.example').type('form').send({ csrf, ...form }),
      request(t.app).post(url).set('Cookie', cookie).type('form').send({ csrf, ...form }),
      request(t.app).post(url).set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ csrf: 'forged', ...form }),
      request(t.app).post(url).set('Cookie', cookie).set('Origin', ORIGIN).type('form').send(form),
    ];
    for (const response of await Promise.all(cases)) expect(response.status).toBe(403);
    expect(await t.store.listGoals(SITE)).toEqual([]);
    const steps = `/sites/${SITE}/funnels/steps`;
    const edits = [
      request(t.app).post(steps).set('Cookie', cookie).set('Origin', 'https://evil.example').type('form').send({ csrf, add_step: '1' }),
      request(t.app).post(steps).set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ add_step: '1' }),
    ];
    for (const response of await Promise.all(edits)) expect(response.status).toBe(403);
  });

  it('are for owners and admins: a viewer of the site is refused, an admin is not', async () => {
    await owner();
    const viewer = await invited('viewer');
    const csrf = csrfIn((await request(t.app).get('/account').set('Cookie', viewer)).text);
    const post = poster(viewer, csrf);
    const goal = await t.store.putGoal({ id: 5, site: SITE, type: 'event', value: 'Signup', createdAt: 0 });
    await t.store.putGoal({ id: 6, site: SITE, type: 'page', value: '/pricing', createdAt: 1 });
    await t.store.putFunnel({ id: 7, site: SITE, name: 'Checkout', steps: [6, 5], createdAt: 0 });
    expect((await request(t.app).get(`/sites/${SITE}`).set('Cookie', viewer)).status).toBe(403);
    const refused = await Promise.all([
      post('/goals', { goal_type: 'event', event_name: 'Download' }),
      post(`/goals/${goal.id}/delete`),
      post('/funnels', { name: 'Mine', step: ['5', '6'] }),
      post('/funnels/7/delete'),
      post('/funnels/steps', { name: 'Mine', step: ['5', '6'], add_step: '1' }),
    ]);
    expect(refused.map((response) => response.status)).toEqual([403, 403, 403, 403, 403]);
    expect(await names()).toEqual(['event Signup', 'page /pricing']);
    expect(await t.store.listFunnels(SITE)).toHaveLength(1);

    const admin = await signedInPoster(await invited('admin'));
    expect((await admin('/goals', { goal_type: 'event', event_name: 'Download' })).status).toBe(200);
    expect(await names()).toEqual(['event Signup', 'page /pricing', 'event Download']);
  });
});
