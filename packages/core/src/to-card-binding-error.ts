import { CardBindingError } from './errors.js';
import { redactText } from './redaction/redact.js';

/**
 * Wraps anything a provider threw so the host only ever sees CardBindingError. The original error is
 * reduced to a redacted message: foreign errors (HTTP clients' especially) carry request bodies.
 */
export function toCardBindingError(
  error: unknown,
  fallbackMessage = 'Provider call failed',
): CardBindingError {
  if (error instanceof CardBindingError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new CardBindingError('PROVIDER_UNAVAILABLE', fallbackMessage, {
    cause: new Error(redactText(detail)),
  });
}
