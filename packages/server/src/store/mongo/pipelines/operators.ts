/**
 * Every MongoDB operator the pipelines use, and nothing else. Each is implemented by MongoDB 7.0
 * and by mingo 7, the engine the pipelines are checked with where no MongoDB server runs. A test
 * walks the pipelines of every query shape and fails on an operator missing here, or listed here
 * and no longer used. Adding one means checking both:
 * https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/ and mingo's operator modules.
 *
 * Known differences kept out of the pipelines: mingo's `$top` and `$bottom` return a one-element
 * array where MongoDB returns the element, so the builders use `$topN` and `$bottomN` of one,
 * which return an array in both, and take its `$first`.
 */
export const PIPELINE_OPERATORS = {
  stage: ['$match', '$group', '$addFields', '$project', '$unwind', '$facet', '$sort', '$skip', '$limit', '$unionWith'],
  query: ['$and', '$or', '$nor', '$eq', '$in', '$gt', '$gte', '$lt', '$regex', '$expr'],
  expression: [
    '$literal',
    '$let',
    '$cond',
    '$ifNull',
    '$and',
    '$or',
    '$not',
    '$eq',
    '$ne',
    '$gt',
    '$gte',
    '$lt',
    '$in',
    '$regexMatch',
    '$filter',
    '$first',
    '$multiply',
    '$add',
    '$divide',
    '$floor',
  ],
  accumulator: ['$first', '$push', '$sum', '$addToSet', '$topN', '$bottomN'],
} as const;

export type OperatorKind = keyof typeof PIPELINE_OPERATORS;
