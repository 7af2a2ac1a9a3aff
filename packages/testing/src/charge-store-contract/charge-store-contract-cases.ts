import { auditCase } from './cases/audit-case.js';
import { chargesToReconcileCase } from './cases/charges-to-reconcile-case.js';
import { compareAndSetCase } from './cases/compare-and-set-case.js';
import { copiesCase } from './cases/copies-case.js';
import { createCase } from './cases/create-case.js';
import { createRefundCase } from './cases/create-refund-case.js';
import { idempotencyCase } from './cases/idempotency-case.js';
import { listChargesCase } from './cases/list-charges-case.js';
import { nullClearsCase } from './cases/null-clears-case.js';
import { raceCase } from './cases/race-case.js';
import { refundRaceCase } from './cases/refund-race-case.js';
import { refundsToReconcileCase } from './cases/refunds-to-reconcile-case.js';
import { updateRefundCase } from './cases/update-refund-case.js';
import type { ChargeStoreContractCase } from './charge-store-contract-case.js';
import type { ChargeStoreFactory } from './charge-store-under-test.js';

export type ChargeStoreContractCaseRunner = (factory: ChargeStoreFactory) => Promise<void>;

/**
 * Each case as a plain async function: resolves when the store keeps the rule, rejects with a
 * ChargeStoreContractViolation (`[case] what went wrong`) when it does not. Use them to run one case on
 * its own, e.g. to prove that a deliberately broken store is caught.
 */
export const chargeStoreContractCases: Readonly<
  Record<ChargeStoreContractCase, ChargeStoreContractCaseRunner>
> = {
  create: createCase,
  idempotency: idempotencyCase,
  compareAndSet: compareAndSetCase,
  race: raceCase,
  nullClears: nullClearsCase,
  audit: auditCase,
  copies: copiesCase,
  listCharges: listChargesCase,
  chargesToReconcile: chargesToReconcileCase,
  createRefund: createRefundCase,
  refundRace: refundRaceCase,
  updateRefund: updateRefundCase,
  refundsToReconcile: refundsToReconcileCase,
};
