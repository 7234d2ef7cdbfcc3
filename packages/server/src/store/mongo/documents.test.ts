import mongoose from 'mongoose';
import { EVENT_FIELDS, FIRST_EVENT_FIELDS } from '../fields.js';
import type { StoredEvent } from '../types.js';
import { toEventDocument } from './documents.js';
import { defineModels } from './models.js';

/**
 * The event document is declared field by field (documents.ts, models.ts), as stored; the
 * pipelines find fields by the vocabulary's `mongo` paths. This keeps the two in step.
 */
const event: StoredEvent = {
  site: 'example.com',
  ts: Date.parse('2026-11-28T12:00:00Z'),
  name: 'signup',
  path: '/pricing',
  hostname: 'www.example.com',
  referrer: 'https://news.example/item',
  referrerSource: 'News',
  utmSource: 'newsletter',
  utmMedium: 'email',
  utmCampaign: 'winter',
  utmTerm: 'analytics',
  utmContent: 'footer',
  browser: 'Firefox',
  os: 'Linux',
  device: 'Desktop',
  country: 'DE',
  screenWidth: 1440,
  visitorId: 7,
  sessionId: 8,
  engagementMs: null,
  props: {},
};

const at = (document: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], document);

const vocabulary = [...Object.values(EVENT_FIELDS), ...Object.values(FIRST_EVENT_FIELDS)];

describe('the event document and the field vocabulary', () => {
  const schema = defineModels(mongoose.createConnection()).events.schema;

  it.each(vocabulary.map((names) => [names.mongo, names.port] as const))('stores %s from StoredEvent.%s', (mongo, port) => {
    expect(at(toEventDocument(event), mongo)).toBe(event[port]);
    expect(schema.path(mongo)).toBeDefined();
  });
});
