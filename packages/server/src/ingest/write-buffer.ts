/**
 * Group commit. Appended items are committed together, and each append resolves only when
 * its batch is durable. A lone item is committed on the next turn of the event loop, so it
 * never waits for a timer; items arriving while a commit is in flight form the next batch.
 *
 * Under load a batch may be held open for a moment (see Hold): clients that keep a connection
 * open and send one request at a time otherwise split into two cohorts that take turns, each
 * committing while the other is being parsed, so every batch carries half of them.
 */

/** The connection an item came over: while it is open, its client may send the next item soon. */
export interface Source {
  readonly destroyed: boolean;
}

/**
 * How long a batch may wait, once it could be committed, for the clients of the last two
 * batches that have nothing waiting yet. It only waits right after a commit (within `withinMs`
 * of its end), so a lone client, or a quiet server, never waits; 0 turns holding off.
 */
export interface Hold {
  maxMs: number;
  withinMs: number;
}

const NO_HOLD: Hold = { maxMs: 0, withinMs: 0 };

interface Waiter<T> {
  item: T;
  source: Source | undefined;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class ShuttingDownError extends Error {
  constructor() {
    super('the server is shutting down');
    this.name = 'ShuttingDownError';
  }
}

/** More items wait than the buffer holds: the store is not keeping up, so the sender is asked to come back. */
export class BufferFullError extends Error {
  constructor(readonly capacity: number) {
    super(`${capacity} events are already waiting for the event store; retry later`);
    this.name = 'BufferFullError';
  }
}

export class WriteBuffer<T> {
  private pending: Waiter<T>[] = [];
  private committing = false;
  private scheduled = false;
  private closed = false;
  private idle: Array<() => void> = [];
  /** The sources of the last two batches committed, the latest first. */
  private recent: [Set<Source>, Set<Source>] = [new Set(), new Set()];
  private lastCommitEnd = Number.NEGATIVE_INFINITY;
  /** While a batch is held: the sources it still waits for, and the timer that ends the wait. */
  private awaited: Set<Source> | undefined;
  private holdTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly commit: (items: readonly T[]) => Promise<void>,
    private readonly maxBatch: number,
    /** Items that may wait for a commit at once; the batch being committed is not counted. */
    private readonly capacity = Number.POSITIVE_INFINITY,
    private readonly hold: Hold = NO_HOLD,
  ) {}

  append(item: T, source?: Source): Promise<void> {
    if (this.closed) return Promise.reject(new ShuttingDownError());
    if (this.pending.length >= this.capacity) return Promise.reject(new BufferFullError(this.capacity));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, source, resolve, reject });
      if (this.awaited === undefined) this.schedule();
      else if (this.pending.length >= this.maxBatch || (source !== undefined && this.awaited.delete(source) && this.awaited.size === 0)) this.release();
    });
  }

  /** Items waiting for the next commit (the batch being committed now is not counted). */
  get depth(): number {
    return this.pending.length;
  }

  private schedule(): void {
    if (this.committing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.startHold()) void this.flush();
    });
  }

  /** Holds the pending batch if clients of the last batches are likely to add to it; false to commit now. */
  private startHold(): boolean {
    if (this.closed || this.pending.length === 0 || this.pending.length >= this.maxBatch) return false;
    if (performance.now() - this.lastCommitEnd > this.hold.withinMs) return false;
    const awaited = new Set<Source>();
    for (const batch of this.recent) for (const source of batch) if (!source.destroyed) awaited.add(source);
    for (const waiter of this.pending) if (waiter.source !== undefined) awaited.delete(waiter.source);
    if (awaited.size === 0 || this.pending.length + awaited.size > this.maxBatch) return false;
    this.awaited = awaited;
    this.holdTimer = setTimeout(() => this.release(), this.hold.maxMs);
    return true;
  }

  private release(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.awaited = undefined;
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.committing) return;
    if (this.pending.length === 0) {
      this.notifyIdle();
      return;
    }
    this.committing = true;
    const batch = this.pending.splice(0, this.maxBatch);
    this.remember(batch);
    try {
      await this.commit(batch.map((waiter) => waiter.item));
      for (const waiter of batch) waiter.resolve();
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    } finally {
      this.committing = false;
      this.lastCommitEnd = performance.now();
      if (this.pending.length > 0) this.schedule();
      else this.notifyIdle();
    }
  }

  private remember(batch: readonly Waiter<T>[]): void {
    if (this.hold.maxMs <= 0) return;
    const sources = this.recent[1];
    sources.clear();
    for (const waiter of batch) if (waiter.source !== undefined) sources.add(waiter.source);
    this.recent = [sources, this.recent[0]];
  }

  private notifyIdle(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }

  /** Refuses new items and resolves once everything accepted so far has been committed or failed. */
  drain(): Promise<void> {
    this.closed = true;
    if (this.awaited !== undefined) this.release();
    if (!this.committing && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
