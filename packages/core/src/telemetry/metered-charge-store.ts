import { isChargeSettled } from '../charge/charge-state.js';
import type { ChargeStore } from '../ports/charge-store.js';
import { TelemetryAttributes } from './attribute-names.js';
import { recordMetric } from './instruments.js';

/**
 * Counts charges started and settled where the store confirms it (an insert, a won compare-and-set),
 * so concurrent callers and the reconciler count each charge once. `store` is the guard's plain object.
 */
export function meterChargeStore(store: ChargeStore): ChargeStore {
  return {
    ...store,
    createCharge: async (record, audit) => {
      const created = await store.createCharge(record, audit);
      if (created.created) {
        recordMetric((instruments) =>
          instruments.chargesStarted.add(1, {
            [TelemetryAttributes.provider]: created.record.provider,
          }),
        );
      }
      return created;
    },
    updateCharge: async (id, cas) => {
      const result = await store.updateCharge(id, cas);
      const settled = result.ok && isChargeSettled(result.record.status);
      // Only a write that moved the charge there counts: its audit row names where it came from.
      if (result.ok && settled && cas.audit && cas.audit.from !== result.record.status) {
        const { failureCode } = cas.audit;
        recordMetric((instruments) =>
          instruments.chargesEnded.add(1, {
            [TelemetryAttributes.provider]: result.record.provider,
            [TelemetryAttributes.outcome]: result.record.status,
            ...(failureCode === undefined ? {} : { [TelemetryAttributes.errorCode]: failureCode }),
          }),
        );
      }
      return result;
    },
  };
}
