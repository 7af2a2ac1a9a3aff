import type { Binding } from '../binding/binding.js';
import type { BindingStatus } from '../binding/status.js';

export interface BindingTransitionEvent {
  /** Stable across redeliveries: events come at least once, so a listener dedupes by this id. */
  id: string;
  binding: Binding;
  from: BindingStatus | null;
  to: BindingStatus;
}

/**
 * Told of binding changes. Multi-bound under CARD_BINDING_LISTENER, like Theia's contributions.
 * Each transition's event is recorded with the transition and delivered at least once: right after
 * the commit by the process that made it, and again by a worker if that failed or the process died.
 * A listener that throws is logged, never affects the binding, and makes the event come again later
 * (to every listener: dedupe by `event.id`).
 */
export interface CardBindingListener {
  onTransition?(event: BindingTransitionEvent): void | Promise<void>;
  /** When a binding reaches succeeded, failed or expired (once per binding, up to redelivery). */
  onTerminal?(binding: Binding, event: BindingTransitionEvent): void | Promise<void>;
}
