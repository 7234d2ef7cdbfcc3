/**
 * /healthz says the process is up (for restarts); /readyz says whether it can do its work
 * (for load balancers), reporting the store and the cache separately.
 */
import { Router } from 'express';
import type { ResponseCache } from '../cache/types.js';
import type { EventStore } from '../store/types.js';

async function check(probe: () => Promise<void>): Promise<'ok' | 'down'> {
  try {
    await probe();
    return 'ok';
  } catch {
    return 'down';
  }
}

export function healthRoutes(store: EventStore, cache: ResponseCache): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [storeState, cacheState] = await Promise.all([check(() => store.ping()), check(() => cache.ping())]);
    // Without its cache the server still answers everything, only slower: that is degraded, not unready.
    res.status(storeState === 'ok' ? 200 : 503).json({
      status: storeState === 'ok' ? (cacheState === 'ok' ? 'ok' : 'degraded') : 'down',
      store: storeState,
      cache: { kind: cache.kind, state: cacheState },
    });
  });
  return router;
}
