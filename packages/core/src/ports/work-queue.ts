import type { BindingRecord } from '../binding/binding.js';
import type { WorkItem, WorkStatus } from '../work/work-item.js';

/** The methods a store's work queue has: what module and test suites check a host's store for. */
export const WORK_QUEUE_METHODS = [
  'claimWork',
  'completeWork',
  'retryWork',
  'failWork',
  'listWork',
  'listExpiredBindings',
] as const;

export interface ClaimWorkInput {
  now: Date;
  /** Who holds the claimed items (one id per worker or service instance). */
  owner: string;
  leaseMs: number;
  limit: number;
  /** Only these items (the ones a transition just wrote, run at once by the process that wrote them). */
  ids?: readonly string[];
}

/**
 * The durable work that transitions write (see work-item.ts) and the queries the sweeper needs. A
 * store writes work items in the same atomic step as the transition that causes them (`UpdateWrites.work`).
 * Every method that changes an item is conditional on the caller still holding its lease, so a worker
 * whose lease ran out (and whose item another worker took) changes nothing.
 */
export interface WorkQueue {
  /**
   * Takes up to `limit` due items: pending with `runAt <= now`, or running with a lease that ran out.
   * Each comes back `running`, leased to `owner` until `now + leaseMs`, with `attempts` plus one.
   * Concurrent claims never return one item twice (a database uses `FOR UPDATE SKIP LOCKED`).
   */
  claimWork(input: ClaimWorkInput): Promise<WorkItem[]>;
  completeWork(id: string, owner: string, now: Date): Promise<boolean>;
  /** Back to pending for another attempt at `runAt`. */
  retryWork(
    id: string,
    owner: string,
    input: { runAt: Date; errorCode: string; now: Date },
  ): Promise<boolean>;
  /** Failed for good: an operator lists it with `listWork({ status: 'failed' })`. */
  failWork(id: string, owner: string, input: { errorCode: string; now: Date }): Promise<boolean>;
  listWork(filter: { status?: WorkStatus; bindingId?: string; limit?: number }): Promise<WorkItem[]>;
  /** Open bindings whose `expiresAt` has passed, oldest deadline first, at most `limit`. */
  listExpiredBindings(now: Date, limit: number): Promise<BindingRecord[]>;
}
