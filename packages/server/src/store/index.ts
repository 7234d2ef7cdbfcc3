/** Picks the storage adapter the configuration asks for; the only place that names one. */
import path from 'node:path';
import type { StoreConfig } from '../config.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { EventStore } from './types.js';

export interface StoreUse {
  /** A server that writes all day, rather than a command that opens the store for a moment. */
  server?: boolean;
}

/** Async because a networked store connects and prepares its collections before serving. */
export async function createStore(config: StoreConfig, use: StoreUse = {}): Promise<EventStore> {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteStore({
        file: path.join(config.dataDir, 'sightline.db'),
        synchronous: config.synchronous,
        backgroundCheckpoints: use.server === true,
        // A command reads once and exits: starting reader threads would only slow it down.
        ...(use.server === true && config.statsReaders !== undefined ? { statsReaders: config.statsReaders } : {}),
      });
    case 'mongo': {
      // Loaded only when chosen: mongoose and its driver add about 33 MB to every embedded-store server.
      const { openMongoStore } = await import('./mongo/mongo-store.js');
      return openMongoStore({
        uri: config.uri,
        writeConcern: config.writeConcern,
        writeTimeoutMs: config.writeTimeoutMs,
        readTimeoutMs: config.readTimeoutMs,
      });
    }
    default: {
      const unknown: never = config;
      throw new Error(`unknown store kind ${String((unknown as { kind: unknown }).kind)}`);
    }
  }
}
