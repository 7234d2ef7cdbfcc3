/**
 * Admission and commit per group: the requests waiting in the write buffer are admitted together
 * (one Redis script call for the whole group when the limits and visits live in Redis), and the
 * events admitted are inserted in one transaction. Each request's append resolves once its group
 * is committed, with its verdict set; a refused one is answered 429 and nothing of it is kept.
 */
import type { Admission, AdmissionRequest, Verdict } from '../admission/types.js';
import type { Config } from '../config.js';
import type { EventStore, StoredEvent } from '../store/types.js';
import { WriteBuffer } from './write-buffer.js';

export interface PendingEvent {
  request: AdmissionRequest;
  /** What is kept once admitted, the visit's ids aside; absent for a request answered without keeping anything. */
  event?: Omit<StoredEvent, 'visitorId' | 'sessionId'> | undefined;
  /** Set by the group's commit before the append resolves. */
  verdict?: Verdict;
}

export type EventWriter = WriteBuffer<PendingEvent>;

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
  return new WriteBuffer(commit, config.groupCommitMaxEvents, config.writeBufferMaxEvents);
}

/** Queues `pending` with its group and answers its verdict once the group is committed; a refusal is thrown as its 429. */
export async function admitAndCommit(writer: EventWriter, pending: PendingEvent): Promise<Verdict> {
  await writer.append(pending);
  const { verdict } = pending;
  if (verdict === undefined) throw new Error('a group was committed without its verdicts');
  if (verdict.refusal !== undefined) throw verdict.refusal;
  return verdict;
}
