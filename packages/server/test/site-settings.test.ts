/**
 * A site's time zone and whether its subdomains count, changed after it has events: the
 * embedded store recounts its day rollups, so its answers equal those of a site created in the new
 * zone; MongoDB (on mingo) keeps the settings; ingest and the settings page follow them.
 */
import request from 'supertest';
import { Accounts } from '../src/accounts/accounts.js';
import { StoreSessions } from '../src/accounts/session-store.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventStore, TimeRange } from '../src/store/types.js';
import { MingoPipelineStore } from './support/mingo-store.js';
import { storedEvent } from './support/store-basics.js';
import { createTestApp, sendBeacon } from './support/test-app.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-11-01T00:00:00Z');
/** Events an hour or so either side of UTC and of Kolkata midnights, over a week, from a few visitors. */
const EVENTS = Array.from({ length: 7 * 8 }, (_, i) =>
  storedEvent({
    site: 'tz.example',
    ts: START + Math.floor(i / 8) * DAY + [-7, -5, -4, -1, 1, 2, 18, 19][i % 8]! * HOUR + (i % 3) * 60_000,
    path: `/p${i % 4}`,
    visitorId: 2 ** 40 + (i % 5),
    sessionId: 100 + (i % 6),
  }),
);

async function filled(timezone: string): Promise<EventStore> {
  const store = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' });
  await store.createSite({ domain: 'tz.example', timezone, createdAt: START - 30 * DAY });
  await store.insertEvents(EVENTS);
  return store;
}

/** Days as Kolkata counts them (UTC+05:30). */
const kolkataDays: TimeRange[] = Array.from({ length: 9 }, (_, i) => ({ from: START - DAY - 5.5 * HOUR + i * DAY, to: START - 5.5 * HOUR + i * DAY }));

describe('changing a site’s time zone', () => {
  it('answers as a site created in the new zone does, in the embedded store', async () => {
    const changed = await filled('UTC');
    const fresh = await filled('Asia/Kolkata');
    try {
      expect((await changed.updateSite('tz.example', { timezone: 'Asia/Kolkata' }))?.timezone).toBe('Asia/Kolkata');
      const range = { from: kolkataDays[0]!.from, to: kolkataDays.at(-1)!.to };
      const queries = [
        (store: EventStore) => store.timeseries({ site: 'tz.example', buckets: kolkataDays, filters: [] }),
        (store: EventStore) => store.aggregate({ site: 'tz.example', range, filters: [] }),
        (store: EventStore) => store.breakdown({ site: 'tz.example', range, filters: [], property: { scope: 'event', field: 'page' } }),
        (store: EventStore) => store.breakdown({ site: 'tz.example', range, filters: [], property: { scope: 'visit', field: 'entry_page' } }),
        (store: EventStore) => store.summary({ site: 'tz.example', ...range, limit: 10 }),
      ];
      for (const query of queries) {
        const [got, expected] = await Promise.all([query(changed), query(fresh)]);
        const sorted = (value: unknown) => (Array.isArray(value) ? [...value].sort((a, b) => String(a.value).localeCompare(String(b.value))) : value);
        expect(sorted(got)).toEqual(sorted(expected));
      }
    } finally {
      await changed.close();
      await fresh.close();
    }
  });

  it('is kept with whether subdomains count, in MongoDB (on mingo) as in the embedded store', async () => {
    for (const store of [openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' }), new MingoPipelineStore()] as EventStore[]) {
      await store.createSite({ domain: 'tz.example', timezone: 'UTC', createdAt: START });
      expect(await store.updateSite('tz.example', { timezone: 'Europe/Paris', allowSubdomains: false })).toEqual({
        domain: 'tz.example',
        timezone: 'Europe/Paris',
        createdAt: START,
        public: false,
        allowSubdomains: false,
      });
      expect((await store.updateSite('tz.example', { allowSubdomains: null }))?.allowSubdomains).toBeUndefined();
      expect(await store.updateSite('nope.example', { timezone: 'UTC' })).toBeNull();
      await store.close();
    }
  });
});

describe('the settings page', () => {
  it('changes the time zone and whether subdomains count, which ingest follows at once', async () => {
    const t = await createTestApp({ env: { TRUST_PROXY: 'true' } });
    try {
      const link = await new Accounts(t.store.accounts, new StoreSessions(t.store.accounts), t.clock, t.config.publicUrl).setupLink();
      const setup = await request(t.app)
        .post('/setup')
        .set('Origin', 'http://localhost:8000')
        .type('form')
        .send({ token: new URL(link).searchParams.get('token'), email: 'owner@example.com', password: 'a long enough password' });
      const cookie = String(setup.headers['set-cookie']).split(';')[0]!;
      const page = await request(t.app).get('/sites/example.com').set('Cookie', cookie);
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
      const save = (form: Record<string, string>) =>
        request(t.app).post('/sites/example.com/settings').set('Cookie', cookie).set('Origin', 'http://localhost:8000').type('form').send({ csrf, ...form });
      const beacon = () => sendBeacon(t.app, { site: 'example.com', url: 'https://blog.example.com/' }, '10.0.0.9');

      expect((await beacon()).headers['x-sightline-dropped']).toBeUndefined();
      expect((await save({ timezone: 'Mars/Olympus' })).status).toBe(400);
      expect((await save({ timezone: 'Europe/Paris' })).status).toBe(200);
      expect(await t.store.getSite('example.com')).toMatchObject({ timezone: 'Europe/Paris', allowSubdomains: false, public: false });
      expect((await beacon()).headers['x-sightline-dropped']).toBe('hostname');
      await save({ timezone: 'Europe/Paris', subdomains: 'on', public: 'on' });
      expect(await t.store.getSite('example.com')).toMatchObject({ allowSubdomains: true, public: true });
      expect((await beacon()).headers['x-sightline-dropped']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
