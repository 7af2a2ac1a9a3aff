import type { AuditEntry, BindingRecord, BindingStore } from '@cardbind/core';
import { difference } from './same-value.js';
import type { StoreContractCase } from './store-contract-case.js';
import { holds } from './store-contract-violation.js';
import { StoreFixtures } from './store-fixtures.js';
import type { StoreFactory, StoreUnderTest } from './store-under-test.js';

/** One case's world: a fresh store from the factory, fixtures with ids of their own, closed after. */
export async function withStore(
  factory: StoreFactory,
  work: (sut: StoreUnderTest, fixtures: StoreFixtures) => Promise<void>,
): Promise<void> {
  const sut = await factory();
  try {
    await work(sut, new StoreFixtures());
  } finally {
    await sut.close();
  }
}

/** Fails the case unless `actual` is the same data as `expected` (see sameValue). */
export function same(
  storeContractCase: StoreContractCase,
  actual: unknown,
  expected: unknown,
  label: string,
): void {
  const found = difference(actual, expected, label);
  holds(storeContractCase, found === undefined, () => found ?? label);
}

/** Creates a binding the case depends on; a store that refuses it fails the case right there. */
export async function created(
  storeContractCase: StoreContractCase,
  store: BindingStore,
  record: BindingRecord,
  audit: AuditEntry,
): Promise<BindingRecord> {
  const result = await store.create(record, audit);
  holds(
    storeContractCase,
    result.created,
    () => `create(${record.id}) of a new binding returned created: false`,
  );
  return result.record;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
