import type { Binding } from '../binding/binding.js';
import type { BindingStatus } from '../binding/status.js';

export interface BindingTransitionEvent {
  binding: Binding;
  from: BindingStatus | null;
  to: BindingStatus;
}

/**
 * Told of binding changes. Multi-bound under CARD_BINDING_LISTENER, like Theia's contributions.
 * A listener that throws is logged and does not affect the binding or other listeners.
 */
export interface CardBindingListener {
  onTransition?(event: BindingTransitionEvent): void | Promise<void>;
  /** Once per binding, when it reaches succeeded, failed or expired. */
  onTerminal?(binding: Binding): void | Promise<void>;
}
