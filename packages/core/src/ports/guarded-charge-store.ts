import type { ChargeStore } from './charge-store.js';
import { storeGuard } from './store-guard.js';

/** A host's ChargeStore whose failures reach callers as STORE_UNAVAILABLE (see store-guard.ts). */
export function guardChargeStore(store: ChargeStore): ChargeStore {
  const guard = storeGuard('charge store');
  return {
    createCharge: guard('createCharge', (record, audit) => store.createCharge(record, audit)),
    getCharge: guard('getCharge', (id) => store.getCharge(id)),
    findChargeByIdempotencyKey: guard('findChargeByIdempotencyKey', (customerId, key) =>
      store.findChargeByIdempotencyKey(customerId, key),
    ),
    listCharges: guard('listCharges', (filter) => store.listCharges(filter)),
    updateCharge: guard('updateCharge', (id, cas) => store.updateCharge(id, cas)),
    listChargesToReconcile: guard('listChargesToReconcile', (now, limit) =>
      store.listChargesToReconcile(now, limit),
    ),
    createRefund: guard('createRefund', (refund, audit, charge) => store.createRefund(refund, audit, charge)),
    getRefund: guard('getRefund', (id) => store.getRefund(id)),
    listRefunds: guard('listRefunds', (chargeId) => store.listRefunds(chargeId)),
    updateRefund: guard('updateRefund', (id, input) => store.updateRefund(id, input)),
    listRefundsToReconcile: guard('listRefundsToReconcile', (now, limit) =>
      store.listRefundsToReconcile(now, limit),
    ),
    listChargeAudit: guard('listChargeAudit', (chargeId) => store.listChargeAudit(chargeId)),
  };
}
