/**
 * Checkpoints the write-ahead log from a worker thread. SQLite's automatic checkpoint runs inside
 * the commit that crosses 1,000 log pages, copying them into the database and syncing it on the
 * event loop, which stalled every request behind that commit (docs/performance.md, item 12). The
 * worker's own connection copies what has been committed without waiting for or blocking the
 * server's writes (a PASSIVE checkpoint).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const CHECKPOINT_INTERVAL_MS = 200;

/**
 * Under a steady stream of commits a passive checkpoint never finds the log fully copied, so the
 * log would never start over. Past this many pages (128 MB) the worker finishes the job with a
 * RESTART checkpoint, which holds new commits back while it copies the last pages and syncs the
 * database file: 10–70 ms here, during which the server's commit waits on the event loop. At
 * 4,096 pages that came every two seconds at 2,000 events a second and put 1% of inserts past
 * 10–35 ms; at 32,768, once in about 16 s, the slowest 1% took 1.4 ms (docs/performance.md, item 29).
 */
const RESTART_FRAMES = 32_768;

// The worker is given as source, not as a file: the same code then runs from src/ under the
// tests and from dist/ in production. It loads the driver from the path resolved here.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
// A RESTART holds new commits back while it waits for readers: it gives up soon and tries later.
db.pragma('busy_timeout = 100');
// Copying log pages into the database reads them once: a large page cache would only cost memory.
db.pragma('cache_size = -1024');
const checkpoint = () => {
  try {
    const [state] = db.pragma('wal_checkpoint(PASSIVE)');
    if (state.log > workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch (error) {
    parentPort.postMessage({ failed: error instanceof Error ? error.message : String(error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Runs a last checkpoint and ends the worker. */
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, onFailure: (reason: string) => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS, restartFrames: RESTART_FRAMES },
    // It allocates next to nothing; without limits V8 would size its heap like the main thread's.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
  });
  worker.on('message', (message: { failed?: string }) => {
    if (message.failed !== undefined) onFailure(message.failed);
  });
  worker.on('error', (error) => onFailure(error.message));
  // The worker must never keep a stopping server alive.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Held until it has exited: an unreferenced worker would let the process end mid-close.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
