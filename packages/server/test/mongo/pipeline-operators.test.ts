/**
 * The pipelines use only operators that both MongoDB 7 and mingo implement: every operator
 * found in the built pipelines must be on the allowlist, and every allowlisted one must exist
 * in mingo's operator modules (mingo-engine registers them one by one and throws otherwise).
 */
import type { PipelineStage } from 'mongoose';
import { allTimeQuery } from '../../src/store/mongo/pipelines/all-time.js';
import { PIPELINE_OPERATORS, type OperatorKind } from '../../src/store/mongo/pipelines/operators.js';
import { summaryQuery } from '../../src/store/mongo/pipelines/summary.js';
import { emptyUse, mingoContext, operatorsUsed } from '../support/mingo-engine.js';

const KINDS = Object.keys(PIPELINE_OPERATORS) as OperatorKind[];

/** One pipeline per query shape the store can build. */
function everyPipeline(): PipelineStage[][] {
  return [
    summaryQuery({ site: 'example.com', from: 0, to: 86_400_000, limit: 10 }).pipeline,
    allTimeQuery('example.com').pipeline,
  ];
}

describe('operators in the MongoDB pipelines', () => {
  const use = emptyUse();
  for (const pipeline of everyPipeline()) operatorsUsed(pipeline, use);

  it.each(KINDS)('uses only allowlisted %s operators', (kind) => {
    const allowed = new Set<string>(PIPELINE_OPERATORS[kind]);
    expect([...use[kind]].filter((name) => !allowed.has(name))).toEqual([]);
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
