import type { Span } from '@opentelemetry/api';
import type { Binding } from '../binding/binding.js';
import type { CardBindingError } from '../errors.js';
import { TelemetryAttributes } from './attribute-names.js';
import { inSpan, markError, markFailure } from './operation-span.js';

/** What `handleCallback` answers, as far as its span needs it. */
interface CallbackAnswer {
  response: { status: number };
  binding?: Binding;
  error?: CardBindingError;
}

/** A CardBindingService operation on one binding: what is known before the call, then its result. */
export function traceBinding(
  name: string,
  operation: () => Promise<Binding>,
  bindingId?: string,
  provider?: string,
): Promise<Binding> {
  return inSpan(
    name,
    (span) => {
      if (span.isRecording()) {
        if (bindingId !== undefined) span.setAttribute(TelemetryAttributes.bindingId, bindingId);
        if (provider !== undefined) span.setAttribute(TelemetryAttributes.provider, provider);
      }
      return operation();
    },
    describeBinding,
  );
}

/**
 * A provider's callback. It never throws (a bad request is answered), so a rejection shows as
 * outcome `rejected` with its code, and as ERROR only when cardbind answered 5xx (its own failure).
 */
export function traceCallback<T extends CallbackAnswer>(
  provider: string,
  operation: () => Promise<T>,
): Promise<T> {
  return inSpan(
    'CardBindingService.handleCallback',
    (span) => {
      if (span.isRecording()) span.setAttribute(TelemetryAttributes.provider, provider);
      return operation();
    },
    describeCallback,
  );
}

/** `sweepExpired`: how many expired bindings it looked at. */
export function traceSweep(operation: () => Promise<number>): Promise<number> {
  return inSpan('CardBindingService.sweepExpired', operation, (span, swept) =>
    span.setAttribute(TelemetryAttributes.sweptBindings, swept),
  );
}

function describeBinding(span: Span, binding: Binding): void {
  span.setAttribute(TelemetryAttributes.bindingId, binding.id);
  span.setAttribute(TelemetryAttributes.provider, binding.provider);
  span.setAttribute(TelemetryAttributes.outcome, binding.status);
  if (binding.failure) markFailure(span, binding.failure);
}

function describeCallback(span: Span, answer: CallbackAnswer): void {
  if (answer.binding) describeBinding(span, answer.binding);
  if (answer.error) {
    span.setAttribute(TelemetryAttributes.outcome, 'rejected');
    markFailure(span, answer.error);
    if (answer.response.status >= 500) markError(span, answer.error.code);
  } else if (!answer.binding) {
    span.setAttribute(TelemetryAttributes.outcome, 'acknowledged');
  }
}
