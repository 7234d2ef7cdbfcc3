/** A stats read that must be answered 200, computed (`X-Cache: miss`) or cached (`hit`) as expected. */
import type { Client } from '../sequential.js';

export async function timedRead(client: Client, port: number, path: string, expectCache: 'hit' | 'miss', key: string): Promise<number> {
  const response = await client.request(port, 'GET', path, undefined, { authorization: `Bearer ${key}` });
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${response.body.slice(0, 300)}`);
  if (response.headers['x-cache'] !== expectCache) {
    throw new Error(`GET ${path} answered X-Cache: ${String(response.headers['x-cache'])}, expected ${expectCache}`);
  }
  return response.ms;
}
