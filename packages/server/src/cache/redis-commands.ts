/**
 * What the Redis adapters share: a time limit on every command, and Lua scripts run by digest.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client.js';

/** A healthy Redis on the same network answers in well under a millisecond. */
const COMMAND_TIMEOUT_MS = 250;

export interface Script {
  text: string;
  sha1: string;
}

export const script = (text: string): Script => ({ text, sha1: createHash('sha1').update(text).digest('hex') });

export function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis ${what} timed out after ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Commands fail at once while the client reconnects (it has no offline queue). */
export function ensureReady(client: RedisClient): void {
  if (!client.isReady) throw new Error('redis is not connected');
}

/**
 * Runs a script by its digest, sending its text only when this Redis does not know it yet
 * (first use, or after a restart emptied its script cache).
 */
export async function runScript(client: RedisClient, script: Script, keys: string | string[], args: string[]): Promise<unknown> {
  const options = { keys: typeof keys === 'string' ? [keys] : keys, arguments: args };
  try {
    return await client.evalSha(script.sha1, options);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(script.text, options);
  }
}
