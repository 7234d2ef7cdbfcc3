/**
 * Group commit. Appended items are committed together, and each append resolves only when
 * its batch is durable. A lone item is committed on the next turn of the event loop, so it
 * never waits for a timer; items arriving while a commit is in flight form the next batch.
 */

interface Waiter<T> {
  item: T;
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

  constructor(
    private readonly commit: (items: readonly T[]) => Promise<void>,
    private readonly maxBatch: number,
    /** Items that may wait for a commit at once; the batch being committed is not counted. */
    private readonly capacity = Number.POSITIVE_INFINITY,
  ) {}

  append(item: T): Promise<void> {
    if (this.closed) return Promise.reject(new ShuttingDownError());
    if (this.pending.length >= this.capacity) return Promise.reject(new BufferFullError(this.capacity));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
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
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.committing) return;
    if (this.pending.length === 0) {
      this.notifyIdle();
      return;
    }
    this.committing = true;
    const batch = this.pending.splice(0, this.maxBatch);
    try {
      await this.commit(batch.map((waiter) => waiter.item));
      for (const waiter of batch) waiter.resolve();
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    } finally {
      this.committing = false;
      if (this.pending.length > 0) this.schedule();
      else this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }

  /** Refuses new items and resolves once everything accepted so far has been committed or failed. */
  drain(): Promise<void> {
    this.closed = true;
    if (!this.committing && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
