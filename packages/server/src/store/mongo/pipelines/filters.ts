/**
 * Filters (store/types.ts `Filter`) as MongoDB conditions: visit filters as a query on the
 * visit document, event filters as an expression on an event document. Values are
 * only ever compared (`$in`, `$literal`) or matched by a pattern in which every regular
 * expression character has been escaped.
 */
import { goalAlternatives } from '../../goal-filters.js';
import { isGoalFilter, type Filter, type Property, type StatsFilter } from '../../types.js';
import { eventFieldRef } from './document-paths.js';
import { literal, type Expression } from './expressions.js';

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|]/g;

export function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIAL, '\\$&');
}

/**
 * `(?![\s\S])` is "end of input" in both PCRE (MongoDB) and JavaScript (mingo); `$` would also
 * match before a final newline in PCRE. `[\s\S]` matches any character, newlines included.
 */
const END = '(?![\\s\\S])';
const ANY_RUN = '[\\s\\S]*';

/** The pattern for a wildcard or contains filter; null for exact matches, which use `$in`. */
export function filterPattern(filter: Pick<Filter, 'match' | 'values'>): string | null {
  switch (filter.match) {
    case 'exact':
      return null;
    case 'wildcard':
      return `^(?:${filter.values.map((value) => value.split('*').map(escapeRegex).join(ANY_RUN)).join('|')})${END}`;
    case 'contains':
      return `(?:${filter.values.map(escapeRegex).join('|')})`;
  }
}

/** A query on `path` (a constant field path of the visit document); null never matches, so a negated filter keeps it. */
export function filterQuery(path: string, filter: Filter): Record<string, unknown> {
  const pattern = filterPattern(filter);
  const condition = pattern === null ? { [path]: { $in: filter.values } } : { [path]: { $regex: pattern } };
  return filter.negated ? { $nor: [condition] } : condition;
}

/** The value of an event or prop property of the current event document, null when missing. */
export function eventValue(property: Exclude<Property, { scope: 'visit' }>): Expression {
  if (property.scope === 'event') return { $ifNull: [eventFieldRef(property.field), null] };
  const pair = {
    $first: {
      $filter: {
        input: { $ifNull: ['$props', []] },
        as: 'pair',
        cond: { $eq: ['$$pair.k', literal(property.key)] },
      },
    },
  };
  return { $ifNull: [{ $let: { vars: { hit: pair }, in: '$$hit.v' } }, null] };
}

/** The same semantics as `filterQuery`, as an expression over one value. */
export function filterExpression(value: Expression, filter: Filter): Expression {
  const pattern = filterPattern(filter);
  const matches =
    pattern === null
      ? { $in: [value, literal(filter.values)] }
      : { $cond: [{ $eq: [value, null] }, false, { $regexMatch: { input: value, regex: literal(pattern) } }] };
  return filter.negated ? { $not: [matches] } : matches;
}

/** An event, prop or goal filter as an expression over the current event document. */
export function eventFilterExpression(filter: StatsFilter): Expression {
  if (isGoalFilter(filter)) return { $or: goalAlternatives(filter.goals).map((filters) => ({ $and: filters.map(eventFilterExpression) })) };
  const property = filter.property;
  if (property.scope === 'visit') throw new Error('a visit filter is not an event filter');
  return filterExpression(eventValue(property), filter);
}
