/**
 * Filters in the stats API's own syntax (`event:page==/blog/*;visit:country!=DE`), so a
 * dashboard URL and an API call read alike. `;`, `|` and `\` inside values are escaped with `\`.
 */
export type FilterOperator = '==' | '!=' | '~' | '!~';

export interface Filter {
  property: string;
  operator: FilterOperator;
  /** Any of these. */
  values: string[];
}

const escape = (value: string) => value.replace(/[\\;|]/g, (char) => `\\${char}`);
const unescape = (value: string) => value.replace(/\\(.)/g, '$1');

function splitEscaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1];
      i++;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

export function formatFilters(filters: readonly Filter[]): string {
  return filters.map((f) => f.property + f.operator + f.values.map(escape).join('|')).join(';');
}

/** Reads what formatFilters wrote; clauses it cannot read are dropped (a hand-edited URL). */
export function parseFilters(text: string): Filter[] {
  const filters: Filter[] = [];
  for (const clause of splitEscaped(text, ';')) {
    const match = /^([a-z_]+:[^=!~]+?)(==|!=|!~|~)(.+)$/s.exec(clause.trim());
    if (match === null) continue;
    const values = splitEscaped(match[3]!, '|').map(unescape).filter((value) => value !== '');
    if (values.length > 0) filters.push({ property: match[1]!, operator: match[2] as FilterOperator, values });
  }
  return filters;
}

/** Sets `property==value`, replacing any filter on that property: clicking a row narrows to it. */
export function withFilter(filters: readonly Filter[], property: string, value: string): Filter[] {
  return [...filters.filter((f) => f.property !== property), { property, operator: '==', values: [value] }];
}

export function withoutFilter(filters: readonly Filter[], index: number): Filter[] {
  return filters.filter((_, i) => i !== index);
}

const OPERATOR_WORDS: Record<FilterOperator, string> = { '==': 'is', '!=': 'is not', '~': 'contains', '!~': 'does not contain' };

/** "Page is /blog or /about", for chips and their labels. */
export function describeFilter(filter: Filter, label: (property: string) => string): string {
  return `${label(filter.property)} ${OPERATOR_WORDS[filter.operator]} ${filter.values.join(' or ')}`;
}
