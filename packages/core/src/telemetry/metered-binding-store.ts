import { isTerminal } from '../binding/state.js';
import type { BindingStore } from '../ports/binding-store.js';
import { TelemetryAttributes } from './attribute-names.js';
import { recordMetric } from './instruments.js';

/**
 * Counts bindings started and ended where the store confirms it: a create that inserted, a
 * compare-and-set that won. Racing callers and instances therefore count each binding once, however
 * many of them asked the provider. `store` is the guard's plain object, whose methods spread.
 */
export function meterBindingStore(store: BindingStore): BindingStore {
  return {
    ...store,
    create: async (record, audit, work) => {
      const created = await store.create(record, audit, work);
      if (created.created) {
        recordMetric((instruments) =>
          instruments.bindingsStarted.add(1, {
            [TelemetryAttributes.provider]: created.record.provider,
          }),
        );
      }
      return created;
    },
    update: async (id, expectedVersion, patch, writes) => {
      const result = await store.update(id, expectedVersion, patch, writes);
      const { from, to, failureCode } = writes.audit;
      if (result.ok && from !== to && isTerminal(to)) {
        recordMetric((instruments) =>
          instruments.bindingsEnded.add(1, {
            [TelemetryAttributes.provider]: result.record.provider,
            [TelemetryAttributes.outcome]: to,
            ...(failureCode === undefined ? {} : { [TelemetryAttributes.errorCode]: failureCode }),
          }),
        );
      }
      return result;
    },
  };
}
