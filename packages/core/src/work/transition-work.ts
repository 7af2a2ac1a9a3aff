import type { CardBindingProvider } from '../provider.js';
import { type BindingRecord, toBinding } from '../binding/binding.js';
import type { BindingStatus } from '../binding/status.js';
import type { NewWorkItem } from './work-item.js';
import type { WorkOptions } from './work-options.js';

export interface TransitionWorkInput {
  provider: CardBindingProvider;
  from: BindingStatus | null;
  /** The record as the transition leaves it (its version is the new one). */
  record: BindingRecord;
  /** The transition saves a card (the binding's `card` names the one the store kept). */
  saved: boolean;
  hasListeners: boolean;
  options: WorkOptions;
}

/**
 * The work one transition causes, with ids derived from the binding and its new version: a replay of
 * the same write names the same items, and a listener sees the same event id on every redelivery.
 */
export function transitionWork(input: TransitionWorkInput): NewWorkItem[] {
  const { provider, from, record, saved, hasListeners, options } = input;
  const now = record.updatedAt;
  const base = `${record.id}.${record.version}`;
  const items: NewWorkItem[] = [];
  if (hasListeners) {
    items.push({
      id: `evt_${base}`,
      kind: 'binding.event',
      bindingId: record.id,
      payload: { from, to: record.status, binding: JSON.parse(JSON.stringify(toBinding(record))) },
      runAt: now,
      deadline: new Date(now.getTime() + options.eventDeadlineMs),
    });
  }
  const afterStepDeadline = new Date(now.getTime() + options.afterStepDeadlineMs);
  if (saved && provider.afterSuccess) {
    items.push({
      id: `aft_${base}`,
      kind: 'binding.after_success',
      bindingId: record.id,
      payload: {},
      runAt: now,
      deadline: afterStepDeadline,
    });
  } else if ((record.status === 'failed' || record.status === 'expired') && provider.afterFailure) {
    items.push({
      id: `aft_${base}`,
      kind: 'binding.after_failure',
      bindingId: record.id,
      payload: {},
      runAt: now,
      deadline: afterStepDeadline,
    });
  }
  return items;
}
