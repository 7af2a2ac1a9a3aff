import type { ChargeStore } from '@cardbind/core';
import type { ChargeStoreContractCase } from './charge-store-contract-case.js';

/** One fresh store for one case of the suite, and how to dispose of it. */
export interface ChargeStoreUnderTest {
  store: ChargeStore;
  /** Releases what the store holds (a pool, a database). Called after every case, even a broken store's. */
  close(): Promise<void>;
}

/**
 * Called once per case. Each case uses ids of its own (and the list cases times of their own), so a
 * factory may hand out one shared database; the list cases judge only their own records.
 */
export type ChargeStoreFactory = () => Promise<ChargeStoreUnderTest>;

export interface ChargeStoreContractOptions {
  /** Cases this store cannot take part in, each with the reason (printed and shown in the title). */
  skip?: Partial<Record<ChargeStoreContractCase, string>>;
}
