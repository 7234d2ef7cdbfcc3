/**
 * Admission and commit per group: the requests waiting in the write buffer are admitted together
 * (one Redis script call for the whole group when the limits and visits live in Redis), and the
 * events admitted are inserted in one transaction. Each request's append resolves once its group
 * is committed, with its verdict set; a refused one is answered 429 and nothing of it is kept.
 */
import type { Admission, AdmissionRequest, Verdict } from '../admission/types.js';
import type { Config } from '../config.js';
import type { EventStore, StoredEvent } from '../store/types.js';
import { WriteBuffer, type Hold, type Source } from './write-buffer.js';

export interface PendingEvent {
  request: AdmissionRequest;
  /** What is kept once admitted, the visit's ids aside; absent for a request answered without keeping anything. */
  event?: Omit<StoredEvent, 'visitorId' | 'sessionId'> | undefined;
  /** Set by the group's commit before the append resolves. */
  verdict?: Verdict;
}

export type EventWriter = WriteBuffer<PendingEvent>;

/**
 * A group waits at most a millisecond for the clients of the last two groups, and only within
 * 5 ms of the previous commit. Under the bench's 16 kept-alive connections groups of about 8
 * grew to 12–14 (0.125 → 0.07–0.08 script calls per event), and a SQLite commit costs about as
 * much as the inserts of several events, so the server's CPU per event fell by a fifth
 * (docs/performance.md, item 17).
 */
const HOLD: Hold = { maxMs: 1, withinMs: 5 };

export function createWriter(
  store: Pick<EventStore, 'insertEvents'>,
  config: Pick<Config, 'groupCommitMaxEvents' | 'writeBufferMaxEvents'>,
  admission: Admission,
): EventWriter {
  const commit = async (group: readonly PendingEvent[]) => {
    const verdicts = await admission.admit(group.map((pending) => pending.request));
    const admitted: StoredEvent[] = [];
    group.forEach((pending, i) => {
      const verdict = verdicts[i]!;
      pending.verdict = verdict;
      if (pending.event !== undefined && verdict.visit !== undefined) {
        admitted.push({ ...pending.event, visitorId: verdict.visit.visitorId, sessionId: verdict.visit.sessionId });
      }
    });
    if (admitted.length > 0) await store.insertEvents(admitted);
  };
  return new WriteBuffer(commit, config.groupCommitMaxEvents, config.writeBufferMaxEvents, HOLD);
}

/** Queues `pending`, sent over `connection`, with its group and answers its verdict once the group is committed; a refusal is thrown as its 429. */
export async function admitAndCommit(writer: EventWriter, pending: PendingEvent, connection?: Source): Promise<Verdict> {
  await writer.append(pending, connection);
  const { verdict } = pending;
  if (verdict === undefined) throw new Error('a group was committed without its verdicts');
  if (verdict.refusal !== undefined) throw verdict.refusal;
  return verdict;
}
