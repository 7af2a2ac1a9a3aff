import type { CardBindingProvider } from '../provider.js';
import { type Binding, type BindingRecord, toBinding } from '../binding/binding.js';
import type { BindingStatus } from '../binding/status.js';
import { jsonSnapshot } from './json-snapshot.js';
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

/** What a `binding.event` item tells the listeners, as the transition that wrote it built it. */
export interface TransitionEventContent {
  /** The item's id: the event's. */
  id: string;
  from: BindingStatus | null;
  to: BindingStatus;
  binding: Binding;
}

/** The items to write with a transition, and its event as objects for the process that wrote it. */
export interface TransitionWork {
  items: NewWorkItem[];
  /**
   * The event item's content before it became JSON: the writing process delivers this at once instead
   * of parsing back the payload it just built. A worker, on a redelivery, parses the stored payload.
   */
  event?: TransitionEventContent;
}

/**
 * The work one transition causes, with ids derived from the binding and its new version: a replay of
 * the same write names the same items, and a listener sees the same event id on every redelivery.
 */
export function transitionWork(input: TransitionWorkInput): TransitionWork {
  const { provider, from, record, saved, hasListeners, options } = input;
  const now = record.updatedAt;
  const base = `${record.id}.${record.version}`;
  const items: NewWorkItem[] = [];
  let event: TransitionEventContent | undefined;
  if (hasListeners) {
    const binding = toBinding(record);
    event = { id: `evt_${base}`, from, to: record.status, binding };
    items.push({
      id: event.id,
      kind: 'binding.event',
      bindingId: record.id,
      // The payload is stored JSON (dates as ISO strings); the event object above is not written.
      payload: { from, to: record.status, binding: jsonSnapshot(binding) ?? null },
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
  return event ? { items, event } : { items };
}
