import {
  type BindingRecord,
  type BindingStore,
  type ClaimWorkInput,
  type NewWorkItem,
  WORK_QUEUE_METHODS,
  type WorkItem,
  type WorkQueue,
} from '@cardbind/core';
import type { StoreFixtures } from './store-fixtures.js';
import type { StoreContractCase } from './store-contract-case.js';
import { holds, StoreContractViolation } from './store-contract-violation.js';
import { same } from './with-store.js';

function hasWorkQueue(store: BindingStore & Partial<WorkQueue>): store is BindingStore & WorkQueue {
  return (
    typeof store.claimWork === 'function' &&
    typeof store.completeWork === 'function' &&
    typeof store.retryWork === 'function' &&
    typeof store.failWork === 'function' &&
    typeof store.listWork === 'function' &&
    typeof store.listExpiredBindings === 'function'
  );
}

/** The store as a WorkQueue; a store without one fails the case with what to do about it. */
export function requireWorkQueue(
  storeContractCase: StoreContractCase,
  store: BindingStore & Partial<WorkQueue>,
): BindingStore & WorkQueue {
  holds(storeContractCase, hasWorkQueue(store), () => {
    const missing = WORK_QUEUE_METHODS.filter((method) => typeof store[method] !== 'function');
    return (
      `the store under test has no work queue (${missing.join(', ')} missing): implement WorkQueue from ` +
      '@cardbind/core (work items written in the same atomic step as the transition), or skip the ' +
      'work cases (WORK_QUEUE_CASES) with a reason'
    );
  });
  return store;
}

/** What the port promises about an item, without the store's own bookkeeping times. */
export interface WorkView {
  id: string;
  kind: string;
  bindingId: string;
  payload: unknown;
  runAt: Date;
  deadline: Date;
  status: WorkItem['status'];
  attempts: number;
  lastErrorCode?: string;
  leaseOwner?: string;
  leaseUntil?: Date;
}

export function workView(item: WorkItem): WorkView {
  return {
    id: item.id,
    kind: item.kind,
    bindingId: item.bindingId,
    payload: item.payload,
    runAt: item.runAt,
    deadline: item.deadline,
    status: item.status,
    attempts: item.attempts,
    ...(item.lastErrorCode === undefined ? {} : { lastErrorCode: item.lastErrorCode }),
    ...(item.leaseOwner === undefined ? {} : { leaseOwner: item.leaseOwner }),
    ...(item.leaseUntil === undefined ? {} : { leaseUntil: item.leaseUntil }),
  };
}

/** The item as a claim by `owner` at `now` must return it. */
export function claimedView(
  item: NewWorkItem,
  claim: {
    owner: string;
    now: Date;
    leaseMs: number;
    attempts?: number;
    lastErrorCode?: string;
    runAt?: Date;
  },
): WorkView {
  return {
    ...settledView(item, 'running', claim),
    leaseOwner: claim.owner,
    leaseUntil: new Date(claim.now.getTime() + claim.leaseMs),
  };
}

/** The item with no lease: pending (never claimed, or retried), done or failed. */
export function settledView(
  item: NewWorkItem,
  status: WorkItem['status'],
  state: { attempts?: number; lastErrorCode?: string; runAt?: Date } = {},
): WorkView {
  return {
    id: item.id,
    kind: item.kind,
    bindingId: item.bindingId,
    payload: item.payload,
    runAt: state.runAt ?? item.runAt,
    deadline: item.deadline,
    status,
    attempts: state.attempts ?? (status === 'pending' ? 0 : 1),
    ...(state.lastErrorCode === undefined ? {} : { lastErrorCode: state.lastErrorCode }),
  };
}

export function byId<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// A claim leases what it returns past `now`, so claiming again at the same `now` must run dry.
const MAX_CLAIM_ROUNDS = 1_000;

/**
 * Claims at one `now` until a claim returns nothing; returns every item claimed. In a shared
 * database this also leases other cases' leftovers, which the caller filters out.
 */
export async function claimUntilDry(
  storeContractCase: StoreContractCase,
  store: WorkQueue,
  input: Omit<ClaimWorkInput, 'limit'>,
): Promise<WorkItem[]> {
  const claimed: WorkItem[] = [];
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round += 1) {
    const batch = await store.claimWork({ ...input, limit: 50 });
    if (batch.length === 0) return claimed;
    claimed.push(...batch);
  }
  throw new StoreContractViolation(
    storeContractCase,
    `claimWork at one now kept returning items after ${MAX_CLAIM_ROUNDS} rounds: a claimed item must be leased past now`,
  );
}

/** Fails the case when a claim that must find nothing returned items, naming them. */
export function claimedNone(
  storeContractCase: StoreContractCase,
  items: readonly WorkItem[],
  what: string,
): void {
  holds(
    storeContractCase,
    items.length === 0,
    () =>
      `${what} returned ${items.map((item) => `${item.id} (${item.status}, ${item.attempts} attempts)`).join(', ')}`,
  );
}

/** `at` moved on by `ms`. */
export function later(at: Date, ms: number): Date {
  return new Date(at.getTime() + ms);
}

/** Creates `record` with `items` as the work of its creation; a store that refuses it fails the case. */
export async function createWithWork(
  storeContractCase: StoreContractCase,
  store: BindingStore,
  f: StoreFixtures,
  record: BindingRecord,
  items: readonly NewWorkItem[],
): Promise<void> {
  const creation = await store.create(record, f.creationAudit(record), items);
  holds(storeContractCase, creation.created, () => `create(${record.id}) returned created: false`);
}

/** A claim naming only `item`, by `holder`: it must return just that item, leased to the holder. */
export async function claimOnly(
  storeContractCase: StoreContractCase,
  store: BindingStore,
  item: NewWorkItem,
  holder: Parameters<typeof claimedView>[1],
  label: string,
): Promise<void> {
  const claimed = await store.claimWork({
    owner: holder.owner,
    now: holder.now,
    leaseMs: holder.leaseMs,
    limit: 1,
    ids: [item.id],
  });
  same(storeContractCase, claimed.map(workView), [claimedView(item, holder)], label);
}
