/** Picks the storage adapter the configuration asks for; the only place that names one. */
import path from 'node:path';
import type { StoreConfig } from '../config.js';
import { openMongoStore } from './mongo/mongo-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { EventStore } from './types.js';

/** Async because a networked store connects and prepares its collections before serving. */
export async function createStore(config: StoreConfig): Promise<EventStore> {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteStore({ file: path.join(config.dataDir, 'sightline.db'), synchronous: config.synchronous });
    case 'mongo':
      return openMongoStore({ uri: config.uri, writeConcern: config.writeConcern });
    default: {
      const unknown: never = config;
      throw new Error(`unknown store kind ${String((unknown as { kind: unknown }).kind)}`);
    }
  }
}
