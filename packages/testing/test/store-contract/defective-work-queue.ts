import type { ClaimWorkInput, NewWorkItem, WorkItem, WorkStatus } from '@cardbind/core';

/** Mistakes real work queues make, each planted on its own to prove that the contract suite catches it. */
export type WorkQueueDefect =
  /** Reads the due items, awaits (a round trip), then leases them: `SELECT` then `UPDATE` without a lock. */
  | 'claimReadThenWrite'
  /** Completes, retries and fails a running item whoever holds its lease (`WHERE id = $1` only). */
  | 'settleIgnoresOwner'
  /** Claims pending items whatever their runAt. */
  | 'claimIgnoresRunAt'
  /** A replayed item id starts the stored item over (`ON CONFLICT DO UPDATE` instead of `DO NOTHING`). */
  | 'replayResetsWork'
  /** Never hands out a running item again, even once its lease has run out. */
  | 'leaseNeverExpires'
  /** Claims failed items as if they were pending. */
  | 'failNotFinal';

/** A small work queue that keeps every rule of the port, unless told to break one. */
export class DefectiveWorkQueue {
  readonly #items = new Map<string, WorkItem>();

  constructor(readonly defect?: WorkQueueDefect) {}

  enqueue(work: readonly NewWorkItem[], at: Date): void {
    for (const item of work) {
      if (this.#items.has(item.id) && this.defect !== 'replayResetsWork') continue;
      this.#items.set(
        item.id,
        structuredClone({ ...item, status: 'pending', attempts: 0, createdAt: at, updatedAt: at }),
      );
    }
  }

  async claim({ now, owner, leaseMs, limit, ids }: ClaimWorkInput): Promise<WorkItem[]> {
    const due = [...this.#items.values()]
      .filter((item) => (ids === undefined || ids.includes(item.id)) && this.#isDue(item, now))
      .sort((a, b) => a.runAt.getTime() - b.runAt.getTime())
      .slice(0, limit);
    if (this.defect === 'claimReadThenWrite') await new Promise((resolve) => setImmediate(resolve));
    return due.map((item) => {
      const leased: WorkItem = {
        ...item,
        status: 'running',
        attempts: item.attempts + 1,
        leaseOwner: owner,
        leaseUntil: new Date(now.getTime() + leaseMs),
        updatedAt: now,
      };
      this.#items.set(item.id, leased);
      return structuredClone(leased);
    });
  }

  complete(id: string, owner: string, now: Date): boolean {
    return this.#settle(id, owner, now, { status: 'done' });
  }

  retry(id: string, owner: string, input: { runAt: Date; errorCode: string; now: Date }): boolean {
    return this.#settle(id, owner, input.now, {
      status: 'pending',
      runAt: input.runAt,
      lastErrorCode: input.errorCode,
    });
  }

  fail(id: string, owner: string, input: { errorCode: string; now: Date }): boolean {
    return this.#settle(id, owner, input.now, { status: 'failed', lastErrorCode: input.errorCode });
  }

  list(filter: { status?: WorkStatus; bindingId?: string; limit?: number }): WorkItem[] {
    return [...this.#items.values()]
      .filter((item) => filter.status === undefined || item.status === filter.status)
      .filter((item) => filter.bindingId === undefined || item.bindingId === filter.bindingId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, filter.limit ?? 100)
      .map((item) => structuredClone(item));
  }

  #settle(id: string, owner: string, now: Date, change: Partial<WorkItem>): boolean {
    const item = this.#items.get(id);
    if (!item || item.status !== 'running') return false;
    if (item.leaseOwner !== owner && this.defect !== 'settleIgnoresOwner') return false;
    const { leaseOwner: _owner, leaseUntil: _until, ...rest } = item;
    this.#items.set(id, { ...rest, ...change, updatedAt: now });
    return true;
  }

  #isDue(item: WorkItem, now: Date): boolean {
    if (item.status === 'pending') return this.defect === 'claimIgnoresRunAt' || item.runAt <= now;
    if (item.status === 'failed') return this.defect === 'failNotFinal';
    if (item.status !== 'running' || this.defect === 'leaseNeverExpires') return false;
    return item.leaseUntil !== undefined && item.leaseUntil <= now;
  }
}
