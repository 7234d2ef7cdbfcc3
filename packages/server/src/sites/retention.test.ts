import type { DataRetention } from '../store/types.js';
import { maintainIfClaimed } from './retention.js';

/** A store with one site keeping 30 days, whose purge lease is held by `leaseHolder`. */
function retentionStore(leaseHolder: string) {
  const purges: string[] = [];
  const claims: Array<{ holder: string; forMs: number }> = [];
  const repairs: number[] = [];
  const store: DataRetention = {
    setRetention: async () => true,
    retentionSettings: async () => [{ site: 'example.com', days: 30 }],
    purgeEvents: async (site) => {
      purges.push(site);
      return 3;
    },
    deleteSite: async () => true,
    claimPurge: async (holder, _now, forMs) => {
      claims.push({ holder, forMs });
      return holder === leaseHolder;
    },
    repairPending: async (now) => {
      repairs.push(now);
      return 2;
    },
  };
  return { store, purges, claims, repairs };
}

describe('the scheduled retention purge', () => {
  it('purges and runs the store\'s pending repairs while this server holds the lease, claiming it for two intervals', async () => {
    const { store, purges, claims, repairs } = retentionStore('a');
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(await maintainIfClaimed(store, 'a', now, 3_600_000)).toEqual({ purged: [{ site: 'example.com', deleted: 3 }], repaired: 2 });
    expect(purges).toEqual(['example.com']);
    expect(repairs).toEqual([now]);
    expect(claims).toEqual([{ holder: 'a', forMs: 7_200_000 }]);
  });

  it('leaves the purge and the repairs to the server that holds the lease', async () => {
    const { store, purges, repairs } = retentionStore('b');
    expect(await maintainIfClaimed(store, 'a', Date.parse('2026-11-28T12:00:00Z'), 3_600_000)).toBeNull();
    expect(purges).toEqual([]);
    expect(repairs).toEqual([]);
  });

  it('purges a store that has nothing to repair', async () => {
    const { store } = retentionStore('a');
    delete store.repairPending;
    expect(await maintainIfClaimed(store, 'a', Date.parse('2026-11-28T12:00:00Z'), 3_600_000)).toEqual({ purged: [{ site: 'example.com', deleted: 3 }], repaired: 0 });
  });
});
