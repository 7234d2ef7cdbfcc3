/**
 * Where the pipelines find each field of the vocabulary (store/fields.ts): in an event document
 * by its `mongo` path, and in a visit row (visits.ts) under the keys given here.
 */
import { EVENT_FIELDS, FIRST_EVENT_FIELD_NAMES, FIRST_EVENT_FIELDS, type FirstEventField } from '../../fields.js';
import type { EventField, VisitField } from '../../types.js';

/** An expression's reference to a field of the current document. */
const ref = (path: string) => `$${path}`;

export const eventFieldRef = (field: EventField): string => ref(EVENT_FIELDS[field].mongo);

/** Each visit attribute taken from the visit's first event, as a reference into that event. */
export const FIRST_EVENT_SOURCES = Object.fromEntries(
  FIRST_EVENT_FIELD_NAMES.map((field) => [field, ref(FIRST_EVENT_FIELDS[field].mongo)]),
) as Readonly<Record<FirstEventField, string>>;

/** A visit attribute's path in a visit row, which keys them by their API name. */
export const visitPath = (field: VisitField): string => `visit.${field}`;
