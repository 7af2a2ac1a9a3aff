import type { ChargeAuditEntry, ChargeRecord, ChargeStore, RefundRecord } from '@cardbind/core';
import { difference } from '../store-contract/same-value.js';
import { ChargeFixtures } from './charge-fixtures.js';
import type { ChargeStoreContractCase } from './charge-store-contract-case.js';
import { holds } from './charge-store-contract-violation.js';
import type { ChargeStoreFactory, ChargeStoreUnderTest } from './charge-store-under-test.js';

/** One case's world: a fresh store from the factory, fixtures with ids of their own, closed after. */
export async function withChargeStore(
  factory: ChargeStoreFactory,
  work: (sut: ChargeStoreUnderTest, fixtures: ChargeFixtures) => Promise<void>,
): Promise<void> {
  const sut = await factory();
  try {
    await work(sut, new ChargeFixtures());
  } finally {
    await sut.close();
  }
}

/** Fails the case unless `actual` is the same data as `expected` (dates by the millisecond, undefined as absent). */
export function same(
  contractCase: ChargeStoreContractCase,
  actual: unknown,
  expected: unknown,
  label: string,
): void {
  const found = difference(actual, expected, label);
  holds(contractCase, found === undefined, () => found ?? label);
}

/** Creates a charge the case depends on; a store that refuses it fails the case right there. */
export async function createdCharge(
  contractCase: ChargeStoreContractCase,
  store: ChargeStore,
  record: ChargeRecord,
  audit: ChargeAuditEntry,
): Promise<ChargeRecord> {
  const result = await store.createCharge(record, audit);
  holds(
    contractCase,
    result.created,
    () => `createCharge(${record.id}) of a new charge returned created: false`,
  );
  return result.record;
}

/**
 * Creates `refund` on `charge` (the charge as stored now) with the hold of its amount and their audit
 * rows, as the service does; returns both as the store answered. A store that refuses fails the case.
 */
export async function createdRefund(
  contractCase: ChargeStoreContractCase,
  store: ChargeStore,
  fixtures: ChargeFixtures,
  charge: ChargeRecord,
  refund: RefundRecord,
): Promise<{ refund: RefundRecord; charge: ChargeRecord }> {
  const result = await store.createRefund(
    refund,
    fixtures.refundCreationAudit(refund),
    fixtures.hold(charge, refund).cas,
  );
  holds(
    contractCase,
    'created' in result && result.created,
    () =>
      `createRefund(${refund.id}) of a new refund on the stored version ${charge.version} returned ${describeRefundResult(result)}`,
  );
  return { refund: result.refund, charge: result.charge };
}

export function describeRefundResult(result: Awaited<ReturnType<ChargeStore['createRefund']>>): string {
  if ('conflict' in result)
    return `conflict (charge ${result.charge ? `at version ${result.charge.version}` : 'not found'})`;
  return result.created ? `created: true (${result.refund.id})` : `created: false (${result.refund.id})`;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** By id, for comparing what a list returned with what the case wrote, whatever the order. */
export function byId<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
