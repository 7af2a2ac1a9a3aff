import { auditCase } from './cases/audit-case.js';
import { cardUniquenessCase } from './cases/card-uniqueness-case.js';
import { cardsCase } from './cases/cards-case.js';
import { compareAndSetCase } from './cases/compare-and-set-case.js';
import { copiesCase } from './cases/copies-case.js';
import { createCase } from './cases/create-case.js';
import { datesCase } from './cases/dates-case.js';
import { idempotencyCase } from './cases/idempotency-case.js';
import { lookupKeysCase } from './cases/lookup-keys-case.js';
import { raceCase } from './cases/race-case.js';
import { removeCardCase } from './cases/remove-card-case.js';
import { storeUnavailableCase } from './cases/store-unavailable-case.js';
import { expiredBindingsCase } from './cases/expired-bindings-case.js';
import { workClaimRaceCase } from './cases/work-claim-race-case.js';
import { workFailCase } from './cases/work-fail-case.js';
import { workLeaseCase } from './cases/work-lease-case.js';
import { workRetryCase } from './cases/work-retry-case.js';
import { workRunAtCase } from './cases/work-run-at-case.js';
import { workWritesCase } from './cases/work-writes-case.js';
import type { StoreContractCase } from './store-contract-case.js';
import type { StoreFactory } from './store-under-test.js';

export type StoreContractCaseRunner = (factory: StoreFactory) => Promise<void>;

/**
 * Each case as a plain async function: resolves when the store keeps the rule, rejects with a
 * StoreContractViolation (`[case] what went wrong`) when it does not. Use them to run one case on its
 * own, e.g. to prove that a deliberately broken store is caught.
 */
export const storeContractCases: Readonly<Record<StoreContractCase, StoreContractCaseRunner>> = {
  create: createCase,
  idempotency: idempotencyCase,
  lookupKeys: lookupKeysCase,
  compareAndSet: compareAndSetCase,
  race: raceCase,
  cards: cardsCase,
  cardUniqueness: cardUniquenessCase,
  removeCard: removeCardCase,
  audit: auditCase,
  copies: copiesCase,
  dates: datesCase,
  storeUnavailable: storeUnavailableCase,
  workWrites: workWritesCase,
  workClaimRace: workClaimRaceCase,
  workRunAt: workRunAtCase,
  workLease: workLeaseCase,
  workRetry: workRetryCase,
  workFail: workFailCase,
  expiredBindings: expiredBindingsCase,
};
