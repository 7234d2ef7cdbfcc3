import type { DataRetention } from '../store/types.js';
import { purgeIfClaimed } from './retention.js';

/** A store with one site keeping 30 days, whose purge lease is held by `leaseHolder`. */
function retentionStore(leaseHolder: string) {
  const purges: string[] = [];
  const claims: Array<{ holder: string; forMs: number }> = [];
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
  };
  return { store, purges, claims };
}

describe('the scheduled retention purge', () => {
  it('purges while this server holds the lease, claiming it for two intervals', async () => {
    const { store, purges, claims } = retentionStore('a');
    expect(await purgeIfClaimed(store, 'a', Date.parse('2026-11-28T12:00:00Z'), 3_600_000)).toEqual([{ site: 'example.com', deleted: 3 }]);
    expect(purges).toEqual(['example.com']);
    expect(claims).toEqual([{ holder: 'a', forMs: 7_200_000 }]);
  });

  it('leaves the purge to the server that holds the lease', async () => {
    const { store, purges } = retentionStore('b');
    expect(await purgeIfClaimed(store, 'a', Date.parse('2026-11-28T12:00:00Z'), 3_600_000)).toBeNull();
    expect(purges).toEqual([]);
  });
});
