/** The built server as an operator runs it: `dist/main.js` in its own process. */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVER_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
export const SERVER_MAIN = path.join(SERVER_DIST, 'main.js');
export const SERVER_CLI = path.join(SERVER_DIST, 'cli/main.js');

/**
 * The test process's environment for a server on the embedded store, without Redis: the tests
 * that start one read its SQLite file, so MONGODB_URI (set for the MongoDB lane) must not send
 * its events elsewhere, nor REDIS_URL share its visits with other runs.
 */
export function embeddedStoreEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { MONGODB_URI: _mongo, REDIS_URL: _redis, ...env } = process.env;
  return { ...env, ...extra };
}

export function requireBuild(): void {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: build first (pnpm build)`);
}

/** Resolves once `base`/healthz answers; the process needs a moment to open the store and listen. */
export async function waitForHealth(base: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the server did not come up');
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );
}
