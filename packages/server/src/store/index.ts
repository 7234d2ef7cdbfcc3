/** Picks the storage adapter the configuration asks for; the only place that names one. */
import path from 'node:path';
import type { StoreConfig } from '../config.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { EventStore } from './types.js';

export function createStore(config: StoreConfig): EventStore {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteStore({ file: path.join(config.dataDir, 'sightline.db'), synchronous: config.synchronous });
    default: {
      const unknown: never = config.kind;
      throw new Error(`unknown store kind ${String(unknown)}`);
    }
  }
}
