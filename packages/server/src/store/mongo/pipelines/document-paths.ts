/**
 * Where the pipelines find each field of the vocabulary (store/fields.ts): in an event document
 * by its `mongo` path, and in a visit row (visits.ts) under the keys given here.
 */
import { EVENT_FIELDS, FIRST_EVENT_FIELD_NAMES, FIRST_EVENT_FIELDS, type FirstEventField } from '../../fields.js';
import type { EventField, VisitField } from '../../types.js';
import type { Expression } from './expressions.js';

/** An expression's reference to a field of the current document. */
const ref = (path: string) => `$${path}`;

/**
 * Events stored before the name left the bucket key have it at `meta.name` only; they are read
 * as they are, since a time-series collection on MongoDB 7 cannot move a field out of `meta`.
 */
export const LEGACY_NAME_PATH = 'meta.name';

export const eventFieldRef = (field: EventField): Expression =>
  field === 'name' ? { $ifNull: [ref(EVENT_FIELDS.name.mongo), ref(LEGACY_NAME_PATH)] } : ref(EVENT_FIELDS[field].mongo);

/** A query matching events whose name is `name`, wherever the event keeps it. */
export const nameIs = (name: string): Record<string, unknown> => ({
  $or: [{ [EVENT_FIELDS.name.mongo]: { $eq: name } }, { [LEGACY_NAME_PATH]: { $eq: name } }],
});

/** Each visit attribute taken from the visit's first event, as a reference into that event. */
export const FIRST_EVENT_SOURCES = Object.fromEntries(
  FIRST_EVENT_FIELD_NAMES.map((field) => [field, ref(FIRST_EVENT_FIELDS[field].mongo)]),
) as Readonly<Record<FirstEventField, string>>;

/** A visit attribute's path in a visit row, which keys them by their API name. */
export const visitPath = (field: VisitField): string => `visit.${field}`;
