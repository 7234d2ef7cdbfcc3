/**
 * The pipelines use only operators that both MongoDB 7 and mingo implement: every operator
 * found in the built pipelines must be on the allowlist, and every allowlisted one must exist
 * in mingo's operator modules (mingo-engine registers them one by one and throws otherwise).
 */
import { METRICS } from '@sightline/shared';
import type { PipelineStage } from 'mongoose';
import { allTimeQuery } from '../../src/store/mongo/pipelines/all-time.js';
import { breakdownQuery, storedBreakdownQuery } from '../../src/store/mongo/pipelines/breakdown.js';
import { longestVisitQuery, rebuiltSessionsQuery } from '../../src/store/mongo/pipelines/cut-visits.js';
import { PIPELINE_OPERATORS, type OperatorKind } from '../../src/store/mongo/pipelines/operators.js';
import { summaryQuery } from '../../src/store/mongo/pipelines/summary.js';
import { aggregateQuery, storedAggregateQuery, storedTimeseriesQuery, timeseriesQuery } from '../../src/store/mongo/pipelines/timeseries.js';
import type { EventField, Filter, Property, VisitField } from '../../src/store/types.js';
import { emptyUse, mingoContext, operatorsUsed } from '../support/mingo-engine.js';

const KINDS = Object.keys(PIPELINE_OPERATORS) as OperatorKind[];

const EVENT_FIELDS: EventField[] = ['page', 'name', 'hostname'];
const VISIT_FIELDS: VisitField[] = [
  'entry_page',
  'exit_page',
  'source',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'country',
  'browser',
  'os',
  'device',
];
const PROPERTIES: Property[] = [
  ...EVENT_FIELDS.map((field): Property => ({ scope: 'event', field })),
  { scope: 'prop', key: 'plan' },
  ...VISIT_FIELDS.map((field): Property => ({ scope: 'visit', field })),
];
const FILTERS: Filter[] = PROPERTIES.flatMap((property) =>
  (['exact', 'wildcard', 'contains'] as const).flatMap((match) =>
    [false, true].map((negated) => ({ property, match, negated, values: ['$where', 'a*b', '.+'] })),
  ),
);
const VISIT_FILTERS = FILTERS.filter((filter) => filter.property.scope === 'visit');
const RANGE = { from: 0, to: 86_400_000 };
const HOURS = Array.from({ length: 24 }, (_, hour) => ({ from: hour * 3_600_000, to: (hour + 1) * 3_600_000 }));

/** Every query shape the store builds: each kind of query, each property, each filter. */
function everyPipeline(): PipelineStage[][] {
  return [
    summaryQuery({ site: 'example.com', ...RANGE, limit: 10 }).pipeline,
    allTimeQuery('example.com', { offset: 1, limit: 10 }).pipeline,
    aggregateQuery({ site: 'example.com', range: RANGE, filters: [] }).pipeline,
    aggregateQuery({ site: 'example.com', range: RANGE, filters: FILTERS }).pipeline,
    timeseriesQuery({ site: 'example.com', buckets: HOURS, filters: FILTERS }).pipeline,
    ...FILTERS.map((filter) => aggregateQuery({ site: 'example.com', range: RANGE, filters: [filter] }).pipeline),
    ...PROPERTIES.map((property) => breakdownQuery({ site: 'example.com', range: RANGE, filters: FILTERS, property }).pipeline),
    aggregateQuery({ site: 'example.com', range: RANGE, filters: FILTERS.filter((f) => f.property.scope !== 'visit'), eventMeasuresOnly: true }).pipeline,
    timeseriesQuery({ site: 'example.com', buckets: HOURS, filters: [], eventMeasuresOnly: true }).pipeline,
    breakdownQuery({ site: 'example.com', range: RANGE, filters: [], property: PROPERTIES[0]!, eventMeasuresOnly: true }).pipeline,
    longestVisitQuery('example.com').pipeline,
    rebuiltSessionsQuery('example.com', HOURS, 3_600_000).pipeline,
    rebuiltSessionsQuery('example.com', [RANGE], 3_600_000).pipeline,
    storedAggregateQuery({ site: 'example.com', range: RANGE, filters: VISIT_FILTERS }, [1, 2]).pipeline,
    storedAggregateQuery({ site: 'example.com', range: RANGE, filters: [] }, []).pipeline,
    storedTimeseriesQuery({ site: 'example.com', buckets: HOURS, filters: VISIT_FILTERS }, [1, 2]).pipeline,
    ...VISIT_FIELDS.map(
      (field) =>
        storedBreakdownQuery(
          { site: 'example.com', range: RANGE, filters: VISIT_FILTERS, property: { scope: 'visit', field }, page: { rankBy: 'visits', offset: 0, limit: 5 } },
          [1],
        ).pipeline,
    ),
    ...METRICS.map(
      (rankBy) => breakdownQuery({ site: 'example.com', range: RANGE, filters: [], property: PROPERTIES[0]!, page: { rankBy, offset: 10, limit: 10 } }).pipeline,
    ),
  ];
}

describe('operators in the MongoDB pipelines', () => {
  const use = emptyUse();
  for (const pipeline of everyPipeline()) operatorsUsed(pipeline, use);

  it.each(KINDS)('uses only allowlisted %s operators', (kind) => {
    const allowed = new Set<string>(PIPELINE_OPERATORS[kind]);
    expect([...use[kind]].filter((name) => !allowed.has(name))).toEqual([]);
  });

  it.each(KINDS)('lists no %s operator the pipelines do not use, so the list says what is relied on', (kind) => {
    expect(PIPELINE_OPERATORS[kind].filter((name) => !use[kind].has(name))).toEqual([]);
  });

  it('prints what the pipelines use', () => {
    const summary = KINDS.map((kind) => `${kind}: ${[...use[kind]].sort().join(' ')}`).join('\n');
    console.info(`operators used by the MongoDB pipelines\n${summary}`);
    expect(use.stage.size).toBeGreaterThan(0);
  });

  it('finds mingo implementations for every allowlisted operator', () => {
    const types = { stage: 'pipeline', query: 'query', expression: 'expression', accumulator: 'accumulator' } as const;
    for (const kind of KINDS) {
      for (const name of PIPELINE_OPERATORS[kind]) {
        expect([kind, name, typeof mingoContext.getOperator(types[kind] as never, name)]).toEqual([kind, name, 'function']);
      }
    }
  });

  it.each([
    ['$where in a query', [{ $match: { $where: 'this.a' } }], /query operator \$where/],
    ['$function in an expression', [{ $addFields: { x: { $function: { body: 'x', args: [], lang: 'js' } } } }], /\$function/],
    ['an unknown stage', [{ $lookup: { from: 'sites' } }], /\$lookup/],
  ])('would catch %s', (_name, pipeline, problem) => {
    const check = () => {
      const found = operatorsUsed(pipeline);
      for (const kind of KINDS) {
        const allowed = new Set<string>(PIPELINE_OPERATORS[kind]);
        for (const name of found[kind]) if (!allowed.has(name)) throw new Error(`${kind} operator ${name} is not allowlisted`);
      }
    };
    expect(check).toThrow(problem);
  });
});
