import { BufferFullError, ShuttingDownError, WriteBuffer, type Hold, type Source } from './write-buffer.js';

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('WriteBuffer (group commit)', () => {
  it('commits a lone item on the next turn, without waiting for a timer', async () => {
    const batches: number[][] = [];
    const buffer = new WriteBuffer<number>(async (items) => void batches.push([...items]), 100);
    await buffer.append(1);
    expect(batches).toEqual([[1]]);
  });

  it('groups items that arrive while a commit is in flight into the next batch', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const buffer = new WriteBuffer<number>(async (items) => {
      batches.push([...items]);
      if (batches.length === 1) await gate.promise;
    }, 100);
    const first = buffer.append(1);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [2, 3, 4].map((n) => buffer.append(n));
    expect(buffer.depth).toBe(3);
    gate.release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('never commits more than the batch limit at once', async () => {
    const sizes: number[] = [];
    const buffer = new WriteBuffer<number>(async (items) => void sizes.push(items.length), 3);
    await Promise.all(Array.from({ length: 7 }, (_, i) => buffer.append(i)));
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('rejects every item of a failed batch, and only those', async () => {
    let calls = 0;
    const buffer = new WriteBuffer<number>(async () => {
      calls++;
      if (calls === 1) throw new Error('disk full');
    }, 100);
    const failed = [buffer.append(1), buffer.append(2)];
    await expect(failed[0]).rejects.toThrow('disk full');
    await expect(failed[1]).rejects.toThrow('disk full');
    await expect(buffer.append(3)).resolves.toBeUndefined();
  });

  it('drains what it accepted and then refuses new items', async () => {
    const committed: number[] = [];
    const gate = deferred();
    const buffer = new WriteBuffer<number>(async (items) => {
      await gate.promise;
      committed.push(...items);
    }, 100);
    const accepted = [buffer.append(1), buffer.append(2)];
    const drained = buffer.drain();
    await expect(buffer.append(3)).rejects.toBeInstanceOf(ShuttingDownError);
    gate.release();
    await drained;
    await Promise.all(accepted);
    expect(committed).toEqual([1, 2]);
  });

  it('refuses items past its capacity while a commit hangs, and takes them again once it returns', async () => {
    const gate = deferred();
    const buffer = new WriteBuffer<number>(async () => gate.promise, 100, 2);
    const inFlight = buffer.append(0);
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = [buffer.append(1), buffer.append(2)];
    await expect(buffer.append(3)).rejects.toBeInstanceOf(BufferFullError);
    expect(buffer.depth).toBe(2);
    gate.release();
    await Promise.all([inFlight, ...waiting]);
    await expect(buffer.append(4)).resolves.toBeUndefined();
  });

  describe('holding a batch under load', () => {
    const HOLD = { maxMs: 1000, withinMs: 1000 };
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const connection = (): { destroyed: boolean } & Source => ({ destroyed: false });

    /** A buffer that records each batch it commits, its first commit waiting for `gate`. */
    function gatedBuffer(hold: Hold) {
      const batches: number[][] = [];
      const gate = deferred();
      const buffer = new WriteBuffer<number>(
        async (items) => {
          batches.push([...items]);
          if (batches.length === 1) await gate.promise;
        },
        100,
        Number.POSITIVE_INFINITY,
        hold,
      );
      return { batches, gate, buffer };
    }

    /** Commits 1 from `a` while `b` appends 2, then lets the commit end; 2 is still pending. */
    async function afterTwoClients(buffer: WriteBuffer<number>, gate: { release: () => void }, a: Source, b: Source) {
      const first = buffer.append(1, a);
      await turn();
      const second = buffer.append(2, b);
      gate.release();
      await first;
      return { second };
    }

    it('waits, right after a commit, for the clients of the last batches that have nothing waiting', async () => {
      const { batches, gate, buffer } = gatedBuffer(HOLD);
      const [a, b] = [connection(), connection()];
      const { second } = await afterTwoClients(buffer, gate, a, b);
      await turn();
      expect(batches).toEqual([[1]]);
      await Promise.all([second, buffer.append(3, a)]);
      expect(batches).toEqual([[1], [2, 3]]);
    });

    it('commits once the wait is over, and never waits for a closed connection', async () => {
      const { batches, gate, buffer } = gatedBuffer({ maxMs: 30, withinMs: 1000 });
      const [a, b] = [connection(), connection()];
      const started = performance.now();
      const { second } = await afterTwoClients(buffer, gate, a, b);
      await second;
      expect(performance.now() - started).toBeGreaterThanOrEqual(25);
      a.destroyed = true;
      const quick = performance.now();
      await buffer.append(3, b);
      expect(performance.now() - quick).toBeLessThan(25);
      expect(batches).toEqual([[1], [2], [3]]);
    });

    it('never holds a lone client, nor a batch when the server was quiet', async () => {
      const buffer = new WriteBuffer<number>(async () => undefined, 100, Number.POSITIVE_INFINITY, { maxMs: 1000, withinMs: 20 });
      const [a, b] = [connection(), connection()];
      const started = performance.now();
      for (let i = 0; i < 5; i++) await buffer.append(i, a);
      await new Promise((resolve) => setTimeout(resolve, 40));
      await buffer.append(5, b);
      expect(performance.now() - started).toBeLessThan(500);
    });

    it('commits a held batch at once when drained', async () => {
      const { batches, gate, buffer } = gatedBuffer(HOLD);
      const { second } = await afterTwoClients(buffer, gate, connection(), connection());
      await turn();
      const started = performance.now();
      await buffer.drain();
      await second;
      expect(performance.now() - started).toBeLessThan(500);
      expect(batches).toHaveLength(2);
    });
  });
});
