/**
 * Runs the SQLite store's stats reads on reader threads (read-worker.ts), so that no read holds
 * up the event loop that acknowledges events: on it, one 2 s breakdown stalled every beacon and
 * health check for 2 s (docs/performance.md). Each read has a deadline, queueing included.
 *
 * A thread past its deadline is terminated and replaced, but better-sqlite3 12 has no way to
 * interrupt a statement (no sqlite3_interrupt, no progress handler), and terminate() only takes
 * effect once the native call returns to JavaScript: the thread keeps its core until the
 * statement ends (a 4.6 s statement terminated after 0.5 s exited at 4.7 s), and process.exit()
 * joins it first. So the caller is answered at the deadline, the pool serves on with a fresh
 * thread, and the abandoned threads are bounded: at most as many as the pool has readers.
 */
import { Worker } from 'node:worker_threads';
import { QueryTimeoutError, StoreError } from '../types.js';
import type { ReadArg, ReadMethod, ReadResult } from './stats-reads.js';
import type { ReadReply, ReadRequest, ReadWorkerData } from './read-worker.js';

export interface ReadPoolOptions {
  file: string;
  /** Reader threads, each with its own read-only connection. */
  workers: number;
  /** From the call to the answer, waiting for a free reader included. */
  timeoutMs: number;
}

interface Job {
  request: ReadRequest;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface Reader {
  worker: Worker;
  /** Its connection is open: until then reads wait in the queue, where their deadline can drop them. */
  ready: boolean;
  job: Job | undefined;
  /** Set by an 'error' event, which comes before the 'exit' of a thread that threw. */
  failure: Error | undefined;
}

/**
 * Compiled, the worker is the .js file next to this one. Run from the sources (the tests), it is
 * the .ts file, which Node cannot load by itself: the thread first registers tsx's hooks, which
 * compile it and the modules it imports as they load (about 0.5 s more to start). Node 20
 * ignores `--import` in a worker's execArgv, hence the few lines of source that do it instead.
 */
function workerEntry(): { filename: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { filename: new URL('./read-worker.js', import.meta.url), eval: false };
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./read-worker.ts', import.meta.url).href);
  return { filename: `import(${tsx}).then(({ register }) => { register(); return import(${entry}); });`, eval: true };
}

export class ReadPool {
  private readonly entry = workerEntry();
  private readonly readers = new Set<Reader>();
  private readonly queue: Job[] = [];
  /** Terminated mid-statement and not exited yet: each still runs its statement to the end. */
  private abandoned = 0;
  private closed = false;

  constructor(private readonly options: ReadPoolOptions) {
    for (let i = 0; i < options.workers; i++) this.spawn();
  }

  run<M extends ReadMethod>(method: M, arg: ReadArg<M>): Promise<ReadResult<M>> {
    if (this.closed) return Promise.reject(new StoreError('sqlite', method, new Error('the store is closed')));
    return new Promise<ReadResult<M>>((resolve, reject) => {
      const job: Job = {
        request: { method, arg },
        resolve: resolve as (result: unknown) => void,
        reject,
        timer: setTimeout(() => this.expire(job), this.options.timeoutMs),
      };
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Ends every thread; one still inside a statement exits when the statement returns. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = new StoreError('sqlite', 'close', new Error('the store is closed'));
    for (const job of this.queue.splice(0)) this.settle(job, closing);
    const idle: Array<Promise<number>> = [];
    for (const reader of this.readers) {
      reader.worker.unref();
      const exit = reader.worker.terminate();
      if (reader.job === undefined) idle.push(exit);
      else this.settle(reader.job, closing);
    }
    this.readers.clear();
    await Promise.all(idle);
  }

  private spawn(): void {
    const data: ReadWorkerData = { file: this.options.file };
    const worker = new Worker(this.entry.filename, { eval: this.entry.eval, workerData: data });
    const reader: Reader = { worker, ready: false, job: undefined, failure: undefined };
    // Held only while it reads: an idle reader must not keep a finished process alive.
    worker.unref();
    worker.on('message', (reply: ReadReply) => this.answered(reader, reply));
    worker.on('error', (error) => {
      reader.failure = error;
    });
    worker.on('exit', (code) => this.exited(reader, code));
    this.readers.add(reader);
  }

  private dispatch(): void {
    for (const reader of this.readers) {
      if (this.queue.length === 0) return;
      if (!reader.ready || reader.job !== undefined) continue;
      const job = this.queue.shift()!;
      reader.job = job;
      reader.worker.ref();
      reader.worker.postMessage(job.request);
    }
    // Replacements start only when a read waits for one.
    if (this.queue.length > 0 && this.canSpawn()) this.spawn();
  }

  /** Abandoned threads still take a core each: at most as many as the pool has readers. */
  private canSpawn(): boolean {
    return !this.closed && this.readers.size < this.options.workers && this.readers.size + this.abandoned < 2 * this.options.workers;
  }

  private answered(reader: Reader, reply: ReadReply): void {
    if ('ready' in reply) {
      reader.ready = true;
      this.dispatch();
      return;
    }
    const job = reader.job;
    reader.job = undefined;
    reader.worker.unref();
    if (job !== undefined) {
      if (reply.ok) {
        clearTimeout(job.timer);
        job.resolve(reply.result);
      } else {
        this.settle(job, new StoreError('sqlite', job.request.method, new Error(reply.message)));
      }
    }
    this.dispatch();
  }

  private expire(job: Job): void {
    const timeout = new QueryTimeoutError('sqlite', job.request.method, this.options.timeoutMs);
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      // Never started: dropped before it costs anything.
      this.queue.splice(queued, 1);
      job.reject(timeout);
      return;
    }
    for (const reader of this.readers) {
      if (reader.job !== job) continue;
      reader.job = undefined;
      this.readers.delete(reader);
      this.abandoned++;
      reader.worker.unref();
      void reader.worker.terminate();
      job.reject(timeout);
      this.dispatch();
      return;
    }
  }

  private exited(reader: Reader, code: number): void {
    if (!this.readers.delete(reader)) {
      // A thread terminated past its deadline or at close has now left its statement.
      if (!this.closed) this.abandoned--;
      this.dispatch();
      return;
    }
    // It crashed: its read cannot be answered, the next one gets a new thread.
    const cause = reader.failure ?? new Error(`the reader thread exited with code ${code}`);
    if (reader.job !== undefined) this.settle(reader.job, new StoreError('sqlite', reader.job.request.method, cause));
    // One that could not even open the database fails the reads waiting for it, rather than
    // being started again and again until their deadline.
    if (!reader.ready) for (const job of this.queue.splice(0)) this.settle(job, new StoreError('sqlite', job.request.method, cause));
    this.dispatch();
  }

  private settle(job: Job, error: Error): void {
    clearTimeout(job.timer);
    job.reject(error);
  }
}
