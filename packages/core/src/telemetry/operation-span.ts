import type { Span } from '@opentelemetry/api';
import { CardBindingError, type CardBindingFailure } from '../errors.js';
import { TelemetryAttributes } from './attribute-names.js';
import { loadedOtelApi, withOtelApi } from './otel-api.js';
import { cardbindTracer } from './tracer.js';

/**
 * Runs `operation` in an active span, so what it calls (a provider's HTTP attempts, work items) nests
 * under it. `describe` names the result; it runs only for a recording span, so a host without an SDK
 * builds no attributes.
 */
export function inSpan<T>(
  name: string,
  operation: (span: Span) => Promise<T>,
  describe: (span: Span, result: T) => void,
): Promise<T> {
  return withOtelApi((api) =>
    cardbindTracer(api).startActiveSpan(name, async (span) => {
      try {
        const result = await operation(span);
        if (span.isRecording()) describe(span, result);
        return result;
      } catch (error) {
        if (span.isRecording()) markThrown(span, error);
        throw error;
      } finally {
        span.end();
      }
    }),
  );
}

/**
 * A thrown failure: ERROR with its code as `error.type`. No exception event: an error's message or
 * stack may quote what a provider answered, and a span leaves the process unredacted.
 */
export function markThrown(span: Span, error: unknown): void {
  const type = CardBindingError.is(error) ? error.code : error instanceof Error ? error.name : '_OTHER';
  span.setAttribute(TelemetryAttributes.outcome, 'error');
  if (CardBindingError.is(error)) markFailure(span, error);
  markError(span, type);
}

/** ERROR status with `error.type`; the description is the type too, never a message. */
export function markError(span: Span, type: string): void {
  span.setAttribute(TelemetryAttributes.errorType, type);
  // A span exists only once an operation loaded the API, so its status codes are there too.
  const code = loadedOtelApi()?.SpanStatusCode.ERROR;
  if (code !== undefined) span.setStatus({ code, message: type });
}

/** A failure's codes. A declined card is an outcome, not an error: this sets no status. */
export function markFailure(span: Span, failure: Pick<CardBindingFailure, 'code' | 'providerCode'>): void {
  span.setAttribute(TelemetryAttributes.errorCode, failure.code);
  if (failure.providerCode !== undefined) {
    span.setAttribute(TelemetryAttributes.providerCode, failure.providerCode);
  }
}
