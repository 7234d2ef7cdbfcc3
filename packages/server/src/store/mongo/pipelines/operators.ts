/**
 * Every MongoDB operator the pipelines may use. Each is implemented by MongoDB 7.0 and by
 * mingo 7, the engine the pipelines are checked with where no MongoDB server runs; a test
 * walks the built pipelines and fails on any operator not listed here. Adding one means
 * checking both: https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/ and
 * mingo's operator modules.
 */
export const PIPELINE_OPERATORS = {
  stage: ['$match', '$group', '$facet', '$sort', '$skip', '$limit', '$project', '$addFields', '$bucket', '$unwind', '$count'],
  query: ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$regex', '$not', '$and', '$or', '$nor', '$elemMatch', '$exists', '$expr'],
  expression: [
    '$literal',
    '$eq',
    '$ne',
    '$gt',
    '$gte',
    '$lt',
    '$lte',
    '$and',
    '$or',
    '$not',
    '$in',
    '$cond',
    '$ifNull',
    '$let',
    '$filter',
    '$first',
    '$last',
    '$size',
    '$arrayElemAt',
    '$add',
    '$subtract',
    '$multiply',
    '$divide',
    '$round',
    '$toLong',
    '$regexMatch',
  ],
  accumulator: ['$sum', '$first', '$last', '$min', '$max', '$push', '$addToSet'],
} as const;

export type OperatorKind = keyof typeof PIPELINE_OPERATORS;
