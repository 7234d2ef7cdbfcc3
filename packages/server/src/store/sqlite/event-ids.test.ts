import { storedEvent } from '../../../test/support/store-basics.js';
import { EVENT_ID_MEMORY_MS } from '../types.js';
import { openSqliteStore } from './sqlite-store.js';

describe('event ids in SQLite', () => {
  it('forgets ids once they are older than the store remembers, so the table does not grow without end', async () => {
    const store = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' });
    try {
      const at = Date.parse('2026-11-28T12:00:00Z');
      await store.insertEvents([storedEvent({ ts: at, eventId: 'evt-0001' })]);
      await store.insertEvents([storedEvent({ ts: at + EVENT_ID_MEMORY_MS - 1, eventId: 'evt-0001' })]);
      expect(await store.countEvents('example.com')).toBe(1);
      // A later commit sweeps the old id away: the same id then counts as new.
      await store.insertEvents([storedEvent({ ts: at + EVENT_ID_MEMORY_MS + 60 * 60 * 1000 })]);
      await store.insertEvents([storedEvent({ ts: at + EVENT_ID_MEMORY_MS + 60 * 60 * 1000, eventId: 'evt-0001' })]);
      expect(await store.countEvents('example.com')).toBe(3);
    } finally {
      await store.close();
    }
  });
});
