/** Turns the API's property names and filter clauses into the store port's domain terms. */
import { PROP_PREFIX, type ParsedFilter, type PropertyName } from '@sightline/shared';
import type { EventField, Filter, Property, VisitField } from '../store/types.js';

export function toProperty(name: PropertyName): Property {
  if (name.startsWith(PROP_PREFIX)) return { scope: 'prop', key: name.slice(PROP_PREFIX.length) };
  const [scope, field] = name.split(':') as ['event' | 'visit', string];
  return scope === 'event' ? { scope, field: field as EventField } : { scope, field: field as VisitField };
}

/** The key a breakdown row carries its value under, as in Plausible: `page`, `source`, or the prop's key. */
export function shortName(name: PropertyName): string {
  return name.startsWith(PROP_PREFIX) ? name.slice(PROP_PREFIX.length) : name.slice(name.indexOf(':') + 1);
}

export function toFilter(parsed: ParsedFilter & { property: PropertyName }): Filter {
  const contains = parsed.operator === '~' || parsed.operator === '!~';
  const wildcard = !contains && parsed.values.some((value) => value.includes('*'));
  return {
    property: toProperty(parsed.property),
    match: contains ? 'contains' : wildcard ? 'wildcard' : 'exact',
    values: parsed.values,
    negated: parsed.operator === '!=' || parsed.operator === '!~',
  };
}

/**
 * Filters in one order with their values sorted: the meaning does not depend on either, so
 * neither may split the cache.
 */
export function normalizeFilters(filters: readonly ParsedFilter[]): ParsedFilter[] {
  return filters
    .map((filter) => ({ ...filter, values: [...new Set(filter.values)].sort() }))
    .sort((a, b) => {
      const ka = `${a.property}\u0000${a.operator}\u0000${a.values.join('\u0000')}`;
      const kb = `${b.property}\u0000${b.operator}\u0000${b.values.join('\u0000')}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}
