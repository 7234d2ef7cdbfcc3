/**
 * Where the pipelines find each field of the vocabulary (store/fields.ts): in an event document
 * by its `mongo` path, and in a counted visit (visits.ts) under the keys given here.
 */
import { EVENT_FIELDS, FIRST_EVENT_FIELD_NAMES, FIRST_EVENT_FIELDS, type FirstEventField } from '../../fields.js';
import type { EventField, VisitField } from '../../types.js';

/** An expression's reference to a field of the current document. */
const ref = (path: string) => `$${path}`;

export const eventFieldRef = (field: EventField): string => ref(EVENT_FIELDS[field].mongo);

/** The one-letter fields of the events array a visit document carries (see visits.ts). */
export const EVENT_KEYS: Readonly<Record<EventField, string>> = { page: 'p', name: 'n', hostname: 'h' };

const EVENT_FIELD_NAMES = Object.keys(EVENT_FIELDS) as EventField[];

/** The event fields of one element of a visit's events array, each under its one-letter key. */
export const EVENT_KEY_SOURCES: Readonly<Record<string, string>> = Object.fromEntries(
  EVENT_FIELD_NAMES.map((field) => [EVENT_KEYS[field], eventFieldRef(field)]),
);

/** Each visit attribute taken from the visit's first event, as a reference into that event. */
export const FIRST_EVENT_SOURCES = Object.fromEntries(
  FIRST_EVENT_FIELD_NAMES.map((field) => [field, ref(FIRST_EVENT_FIELDS[field].mongo)]),
) as Readonly<Record<FirstEventField, string>>;

/** A visit attribute's path in a counted visit document, which keys them by their API name. */
export const visitPath = (field: VisitField): string => `visit.${field}`;
