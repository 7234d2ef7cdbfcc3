/**
 * Runs the MongoDB store's pipelines on mingo, an in-memory implementation of MongoDB's query
 * and aggregation language. This checks the pipelines' logic, not MongoDB itself: the context
 * registers exactly the operators of the allowlist, so mingo refuses any other one too.
 */
import { Aggregator } from 'mingo/aggregator';
import { Context } from 'mingo/core';
import * as accumulators from 'mingo/operators/accumulator';
import * as expressions from 'mingo/operators/expression';
import * as stages from 'mingo/operators/pipeline';
import * as queries from 'mingo/operators/query';
import type { PipelineStage } from 'mongoose';
import { PIPELINE_OPERATORS, type OperatorKind } from '../../src/store/mongo/pipelines/operators.js';

const MODULES: Record<OperatorKind, Record<string, unknown>> = {
  stage: stages,
  query: queries,
  expression: expressions,
  accumulator: accumulators,
};

/** The allowlisted operators of one kind, taken from mingo's module; throws naming any mingo lacks. */
function pick<T>(kind: OperatorKind): Record<`$${string}`, T> {
  const picked: Record<string, T> = {};
  for (const name of PIPELINE_OPERATORS[kind]) {
    const operator = MODULES[kind][name];
    if (typeof operator !== 'function') throw new Error(`mingo has no ${kind} operator ${name}`);
    picked[name] = operator as T;
  }
  return picked as Record<`$${string}`, T>;
}

type Ops = Parameters<typeof Context.init>[0] & object;

export const mingoContext = Context.init({
  pipeline: pick<NonNullable<Ops['pipeline']>[`$${string}`]>('stage'),
  query: pick<NonNullable<Ops['query']>[`$${string}`]>('query'),
  expression: pick<NonNullable<Ops['expression']>[`$${string}`]>('expression'),
  accumulator: pick<NonNullable<Ops['accumulator']>[`$${string}`]>('accumulator'),
});

/** `collections` are what `$unionWith` may name. */
export function runOnMingo(pipeline: PipelineStage[], documents: readonly object[], collections: Record<string, readonly object[]> = {}): unknown[] {
  // Strict mode keeps MongoDB's semantics where mingo otherwise relaxes them (e.g. missing vs null).
  const aggregator = new Aggregator(pipeline as unknown as Record<string, unknown>[], {
    context: mingoContext,
    useStrictMode: true,
    collectionResolver: (name) => {
      const named = collections[name];
      if (named === undefined) throw new Error(`no collection ${name}`);
      return named as Record<string, unknown>[];
    },
  });
  return aggregator.run(documents as Record<string, unknown>[]) as unknown[];
}

export type OperatorUse = Record<OperatorKind, Set<string>>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/**
 * Lists the operators a pipeline uses, by kind, reading each stage the way MongoDB does:
 * a `$match` holds a query, a `$group` an id expression and accumulators, and so on.
 */
export function operatorsUsed(pipeline: readonly unknown[], use: OperatorUse = emptyUse()): OperatorUse {
  for (const stage of pipeline) {
    if (!isPlainObject(stage)) throw new Error(`a stage is not an object: ${JSON.stringify(stage)}`);
    const names = Object.keys(stage);
    if (names.length !== 1) throw new Error(`a stage must have exactly one operator: ${names.join(', ')}`);
    const name = names[0]!;
    const body = stage[name];
    use.stage.add(name);
    switch (name) {
      case '$match':
        query(body, use);
        break;
      case '$group': {
        const { _id, ...fields } = body as Record<string, unknown>;
        expression(_id, use);
        for (const field of Object.values(fields)) accumulator(field, use);
        break;
      }
      case '$facet':
        for (const sub of Object.values(body as Record<string, unknown[]>)) operatorsUsed(sub, use);
        break;
      case '$unionWith':
        operatorsUsed((body as { pipeline?: unknown[] }).pipeline ?? [], use);
        break;
      case '$project':
      case '$addFields':
        for (const field of Object.values(body as Record<string, unknown>)) {
          if (field !== 0 && field !== 1 && field !== true && field !== false) expression(field, use);
        }
        break;
      case '$bucket': {
        const { groupBy, output } = body as { groupBy: unknown; output?: Record<string, unknown> };
        expression(groupBy, use);
        for (const field of Object.values(output ?? {})) accumulator(field, use);
        break;
      }
      case '$sort':
      case '$skip':
      case '$limit':
      case '$unwind':
      case '$count':
        break;
      default:
        throw new Error(`operatorsUsed does not know how to read ${name}`);
    }
  }
  return use;
}

export function emptyUse(): OperatorUse {
  return { stage: new Set(), query: new Set(), expression: new Set(), accumulator: new Set() };
}

function query(filter: unknown, use: OperatorUse): void {
  if (!isPlainObject(filter)) return;
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      use.query.add(key);
      for (const clause of value as unknown[]) query(clause, use);
    } else if (key === '$expr') {
      use.query.add(key);
      expression(value, use);
    } else if (key.startsWith('$')) {
      throw new Error(`query operator ${key} where a field name belongs`);
    } else {
      condition(value, use);
    }
  }
}

/** The right-hand side of `field: ...` in a query: a value, or an object of query operators. */
function condition(value: unknown, use: OperatorUse): void {
  if (!isPlainObject(value)) return;
  for (const [operator, argument] of Object.entries(value)) {
    if (!operator.startsWith('$')) continue;
    use.query.add(operator);
    if (operator === '$elemMatch') query(argument, use);
    else if (operator === '$not') condition(argument, use);
  }
}

function accumulator(field: unknown, use: OperatorUse): void {
  if (!isPlainObject(field)) throw new Error(`an accumulator is not an object: ${JSON.stringify(field)}`);
  for (const [operator, argument] of Object.entries(field)) {
    use.accumulator.add(operator);
    expression(argument, use);
  }
}

function expression(value: unknown, use: OperatorUse): void {
  if (Array.isArray(value)) {
    for (const item of value) expression(item, use);
    return;
  }
  if (!isPlainObject(value)) return;
  const keys = Object.keys(value);
  const operator = keys.find((key) => key.startsWith('$'));
  if (operator === undefined) {
    for (const field of Object.values(value)) expression(field, use);
    return;
  }
  if (keys.length !== 1) throw new Error(`an expression mixes ${operator} with other keys: ${keys.join(', ')}`);
  use.expression.add(operator);
  // A literal is data: whatever it holds is never read as an operator.
  if (operator === '$literal') return;
  expression(value[operator], use);
}
