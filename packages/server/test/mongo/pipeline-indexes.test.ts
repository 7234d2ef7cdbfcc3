/**
 * explain() on a real MongoDB (MONGODB_URI): every stats pipeline's winning plan reads the events
 * through the { meta.site, ts } index, or the visits through { site, start }, never a scan of a
 * whole collection. The site asked for
 * holds a few events among many of other sites, so reading by site is clearly the better plan.
 */
import type { Model } from 'mongoose';
import type { PipelineStage } from 'mongoose';
import { allTimeQuery } from '../../src/store/mongo/pipelines/all-time.js';
import { breakdownQuery, storedBreakdownQuery } from '../../src/store/mongo/pipelines/breakdown.js';
import { rebuiltSessionsQuery } from '../../src/store/mongo/pipelines/cut-visits.js';
import { summaryQuery } from '../../src/store/mongo/pipelines/summary.js';
import { aggregateQuery, storedAggregateQuery, storedTimeseriesQuery, timeseriesQuery } from '../../src/store/mongo/pipelines/timeseries.js';
import { openMongoStore, type MongoEventStore } from '../../src/store/mongo/mongo-store.js';
import type { Filter } from '../../src/store/types.js';
import { dropDatabase, laneStoreOptions, mongoLaneAvailable, throwawayDbName } from '../support/mongo-lane.js';
import { storedEvent } from '../support/store-basics.js';

const available = await mongoLaneAvailable('the explain() index checks');
const dbName = throwawayDbName();
const SITE = 'example.com';
const DAY = { from: Date.parse('2026-11-28T00:00:00Z'), to: Date.parse('2026-11-29T00:00:00Z') };
const fromGoogle: Filter = { property: { scope: 'visit', field: 'source' }, match: 'exact', values: ['Google'], negated: false };
const blogPages: Filter = { property: { scope: 'event', field: 'page' }, match: 'wildcard', values: ['/blog/*'], negated: false };

const PIPELINES: Array<[string, PipelineStage[]]> = [
  ['aggregate', aggregateQuery({ site: SITE, range: DAY, filters: [] }).pipeline],
  ['aggregate with filters', aggregateQuery({ site: SITE, range: DAY, filters: [fromGoogle, blogPages] }).pipeline],
  ['timeseries', timeseriesQuery({ site: SITE, buckets: [{ from: DAY.from, to: DAY.from + 43_200_000 }, { from: DAY.from + 43_200_000, to: DAY.to }], filters: [] }).pipeline],
  ['breakdown by page', breakdownQuery({ site: SITE, range: DAY, filters: [], property: { scope: 'event', field: 'page' } }).pipeline],
  ['breakdown by source', breakdownQuery({ site: SITE, range: DAY, filters: [], property: { scope: 'visit', field: 'source' } }).pipeline],
  ['summary', summaryQuery({ site: SITE, from: DAY.from, to: DAY.to, limit: 10 }).pipeline],
  ['allTime', allTimeQuery(SITE, { offset: 0, limit: 1000 }).pipeline],
];

const HALVES = [{ from: DAY.from, to: DAY.from + 43_200_000 }, { from: DAY.from + 43_200_000, to: DAY.to }];

/** Pipelines on the visits collection; the cut sessions given make them read some events too. */
const VISIT_PIPELINES: Array<[string, PipelineStage[]]> = [
  ['cut sessions', rebuiltSessionsQuery(SITE, HALVES, 3_600_000).pipeline],
  ['aggregate from visits', storedAggregateQuery({ site: SITE, range: DAY, filters: [fromGoogle] }, [1, 2]).pipeline],
  ['timeseries from visits', storedTimeseriesQuery({ site: SITE, buckets: HALVES, filters: [] }, [1]).pipeline],
  ['breakdown by source from visits', storedBreakdownQuery({ site: SITE, range: DAY, filters: [], property: { scope: 'visit', field: 'source' } }, [3]).pipeline],
];

interface PlanStage {
  stage?: string;
  keyPattern?: Record<string, unknown>;
}

/** Every plan stage under a `winningPlan`, however deep the explain output nests it. */
function winningStages(explained: unknown, inWinning = false, found: PlanStage[] = []): PlanStage[] {
  if (Array.isArray(explained)) {
    for (const item of explained) winningStages(item, inWinning, found);
  } else if (typeof explained === 'object' && explained !== null) {
    const record = explained as Record<string, unknown>;
    if (inWinning && typeof record.stage === 'string') found.push(record as PlanStage);
    for (const [key, value] of Object.entries(record)) {
      if (key === 'rejectedPlans') continue;
      winningStages(value, inWinning || key === 'winningPlan', found);
    }
  }
  return found;
}

(available ? describe : describe.skip)('the stats pipelines on a real MongoDB', () => {
  let store: MongoEventStore;
  let events: Model<unknown>;
  let visits: Model<unknown>;

  beforeAll(async () => {
    store = await openMongoStore(laneStoreOptions(dbName));
    ({ events, visits } = (store as unknown as { models: { events: Model<unknown>; visits: Model<unknown> } }).models);
    const at = (index: number) => DAY.from + index * 30_000;
    await store.insertEvents(Array.from({ length: 20 }, (_, index) => storedEvent({ site: SITE, ts: at(index), sessionId: index })));
    for (let other = 0; other < 50; other++) {
      await store.insertEvents(Array.from({ length: 100 }, (_, index) => storedEvent({ site: `other${other}.example`, ts: at(index), sessionId: index })));
    }
  }, 120_000);

  afterAll(async () => {
    await store.close();
    await dropDatabase(dbName);
  });

  it.each(PIPELINES)('%s reads through the { meta.site, ts } index', async (_name, pipeline) => {
    const explained = await events.aggregate(pipeline).explain('queryPlanner');
    const stages = winningStages(explained);
    expect(stages.map((stage) => stage.stage)).not.toContain('COLLSCAN');
    const bySite = stages.filter((stage) => stage.stage === 'IXSCAN' && Object.keys(stage.keyPattern ?? {})[0] === 'meta.site');
    expect(bySite).not.toEqual([]);
  });

  it.each(VISIT_PIPELINES)('%s reads through the { site, start } index', async (_name, pipeline) => {
    const explained = await visits.aggregate(pipeline).explain('queryPlanner');
    const stages = winningStages(explained);
    expect(stages.map((stage) => stage.stage)).not.toContain('COLLSCAN');
    const byStart = stages.filter((stage) => stage.stage === 'IXSCAN' && Object.keys(stage.keyPattern ?? {}).join() === 'site,start');
    expect(byStart).not.toEqual([]);
  });
});
