/**
 * Opportunistic batching of admission: a lone request is sent on the next turn of the event loop,
 * without waiting for a timer; requests arriving while a group is in flight form the next group,
 * so under load one script call answers many requests and a lone one pays no extra wait.
 */
import type { Admission, AdmissionRequest, Verdict } from './types.js';

interface Waiter {
  request: AdmissionRequest;
  resolve: (verdict: Verdict) => void;
  reject: (error: unknown) => void;
}

export class GroupAdmission {
  private waiting: Waiter[] = [];
  private inFlight = false;
  private scheduled = false;

  constructor(
    private readonly admission: Admission,
    /** The most requests one call decides: a group as large as a commit's. */
    private readonly maxGroup: number,
  ) {}

  admit(request: AdmissionRequest): Promise<Verdict> {
    return new Promise<Verdict>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.send();
    });
  }

  private async send(): Promise<void> {
    if (this.inFlight || this.waiting.length === 0) return;
    this.inFlight = true;
    const group = this.waiting.splice(0, this.maxGroup);
    try {
      const verdicts = await this.admission.admit(group.map((waiter) => waiter.request));
      group.forEach((waiter, i) => waiter.resolve(verdicts[i]!));
    } catch (error) {
      for (const waiter of group) waiter.reject(error);
    } finally {
      this.inFlight = false;
      if (this.waiting.length > 0) this.schedule();
    }
  }
}
