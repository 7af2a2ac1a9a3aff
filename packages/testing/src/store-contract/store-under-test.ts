import type { BindingStore, WorkQueue } from '@cardbind/core';
import type { StoreContractCase } from './store-contract-case.js';

/** One fresh store for one case of the suite, and how to dispose of it. */
export interface StoreUnderTest {
  /**
   * The store, with its WorkQueue (`claimWork`, `completeWork`, …): the work cases (WORK_QUEUE_CASES)
   * need one and fail, saying so, on a store without it, unless they are skipped with a reason.
   */
  store: BindingStore & Partial<WorkQueue>;
  /** Releases what the store holds (a pool, a database). Called after every case, even a broken store's. */
  close(): Promise<void>;
  /**
   * Makes the backing database unreachable (ends the pool, stops the server), so that every later call
   * fails the way an outage would. Without it the `storeUnavailable` case fails unless skipped.
   */
  breakStore?(): Promise<void>;
  /** Values that must never appear in an error a caller sees, e.g. the database password. */
  secrets?: readonly string[];
}

/**
 * Called once per case. Each case uses ids of its own, so a factory may hand out one shared
 * database, but a fresh one per case (or per file) keeps a failing case from disturbing the next.
 * (The work cases claim whatever is due, so in a shared database they also lease items other cases
 * left behind; they judge only their own items.)
 */
export type StoreFactory = () => Promise<StoreUnderTest>;

export interface StoreContractOptions {
  /** Cases this store cannot take part in, each with the reason (printed and shown in the title). */
  skip?: Partial<Record<StoreContractCase, string>>;
}
