/**
 * Every MongoDB operator the pipelines use, and nothing else. Each is implemented by MongoDB 7.0
 * and by mingo 7, the engine the pipelines are checked with where no MongoDB server runs. A test
 * walks the pipelines of every query shape and fails on an operator missing here, or listed here
 * and no longer used. Adding one means checking both:
 * https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/ and mingo's operator modules.
 *
 * Known differences kept out of the pipelines: mingo's `$top` returns a one-element array where
 * MongoDB returns the element, and mingo's `$last` fails on an empty array where MongoDB gives
 * a missing value, so the builders use `$sort` + `$first` and check sizes first.
 */
export const PIPELINE_OPERATORS = {
  stage: ['$match', '$sort', '$group', '$addFields', '$project', '$unwind', '$facet', '$skip', '$limit'],
  query: ['$and', '$nor', '$eq', '$in', '$gte', '$lt', '$regex', '$exists'],
  expression: [
    '$literal',
    '$let',
    '$cond',
    '$ifNull',
    '$and',
    '$not',
    '$eq',
    '$ne',
    '$gt',
    '$lt',
    '$in',
    '$regexMatch',
    '$filter',
    '$sortArray',
    '$reduce',
    '$first',
    '$last',
    '$size',
    '$add',
    '$subtract',
  ],
  accumulator: ['$first', '$push', '$sum'],
} as const;

export type OperatorKind = keyof typeof PIPELINE_OPERATORS;
