/**
 * The Redis connection of an instance, shared by the cache and the rate limits, so the commands
 * of one event travel together. Commands fail fast while Redis is away (no offline queue), and
 * the client keeps reconnecting in the background: the server comes up and keeps answering
 * without Redis.
 */
import { createClient } from 'redis';

export function connectRedis(url: string, onError: (error: Error) => void) {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000),
    },
  });
  client.on('error', onError);
  client.connect().catch(onError);
  return client;
}

export type RedisClient = ReturnType<typeof connectRedis>;

export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.isReady) await client.close();
  else if (client.isOpen) client.destroy();
}
