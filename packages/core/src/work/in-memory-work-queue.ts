import type { ClaimWorkInput } from '../ports/work-queue.js';
import type { NewWorkItem, WorkItem, WorkStatus } from './work-item.js';
import { copyStored } from '../ports/copy-stored.js';

/**
 * Work items in one process's memory, with the same lease rules as a database's queue. The in-memory
 * store keeps its items here, and so does the service for a host store that has no queue of its own.
 */
export class InMemoryWorkQueue {
  readonly #items = new Map<string, WorkItem>();

  enqueue(work: readonly NewWorkItem[], now: Date): void {
    for (const item of work) {
      // A replayed write (same item id) must not reset an item that is already under way.
      if (this.#items.has(item.id)) continue;
      this.#items.set(
        item.id,
        copyStored({ ...item, status: 'pending', attempts: 0, createdAt: now, updatedAt: now }),
      );
    }
  }

  claim({ now, owner, leaseMs, limit, ids }: ClaimWorkInput): WorkItem[] {
    // The items a transition just wrote are looked up by id: scanning every item the store ever held
    // made each in-process run cost O(items) (docs/performance.md, scenario 1 with listeners).
    const candidates =
      ids === undefined
        ? [...this.#items.values()]
        : [...new Set(ids)].flatMap((id) => {
            const item = this.#items.get(id);
            return item ? [item] : [];
          });
    const due = candidates
      .filter((item) => isDue(item, now))
      .sort((a, b) => a.runAt.getTime() - b.runAt.getTime())
      .slice(0, limit);
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
      return copyStored(leased);
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

  /** Ends a lease with `change`, if `owner` still holds it. */
  #settle(id: string, owner: string, now: Date, change: Partial<WorkItem>): boolean {
    const item = this.#items.get(id);
    if (!item || item.status !== 'running' || item.leaseOwner !== owner) return false;
    const { leaseOwner: _owner, leaseUntil: _until, ...rest } = item;
    this.#items.set(id, { ...rest, ...change, updatedAt: now });
    return true;
  }

  list(filter: { status?: WorkStatus; bindingId?: string; limit?: number }): WorkItem[] {
    return [...this.#items.values()]
      .filter((item) => filter.status === undefined || item.status === filter.status)
      .filter((item) => filter.bindingId === undefined || item.bindingId === filter.bindingId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, filter.limit ?? 100)
      .map((item) => copyStored(item));
  }

  /** Forgets a purged binding's finished items. */
  dropFinished(bindingId: string): void {
    for (const [id, item] of this.#items) {
      if (item.bindingId === bindingId && (item.status === 'done' || item.status === 'failed'))
        this.#items.delete(id);
    }
  }
}

function isDue(item: WorkItem, now: Date): boolean {
  if (item.status === 'pending') return item.runAt.getTime() <= now.getTime();
  return (
    item.status === 'running' && item.leaseUntil !== undefined && item.leaseUntil.getTime() <= now.getTime()
  );
}
