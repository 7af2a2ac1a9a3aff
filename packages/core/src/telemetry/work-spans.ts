import type { Span } from '@opentelemetry/api';
import type { WorkItem, WorkKind } from '../work/work-item.js';
import { TelemetryAttributes } from './attribute-names.js';
import { inSpan, markError } from './operation-span.js';
import { loadedOtelApi } from './otel-api.js';

/** How one run of an item ended: done, to be retried, or failed for good. */
export type WorkOutcome = 'done' | 'retry' | 'failed';

// One name per kind, made once: a span name should be low-cardinality and cost nothing per run.
const SPAN_NAMES: Readonly<Record<WorkKind, string>> = {
  'binding.event': 'work binding.event',
  'binding.after_success': 'work binding.after_success',
  'binding.after_failure': 'work binding.after_failure',
};

/**
 * One run of a work item. Run by the transition that wrote it, it nests under that operation's span
 * (an after-step in the background may end after it); run by a worker, it is a root span.
 */
export function traceWorkItem(item: WorkItem, run: (span: Span) => Promise<void>): Promise<void> {
  return inSpan(
    SPAN_NAMES[item.kind],
    (span) => {
      if (span.isRecording()) {
        span.setAttribute(TelemetryAttributes.workId, item.id);
        span.setAttribute(TelemetryAttributes.workKind, item.kind);
        span.setAttribute(TelemetryAttributes.bindingId, item.bindingId);
        span.setAttribute(TelemetryAttributes.workAttempt, item.attempts);
      }
      return run(span);
    },
    noResult,
  );
}

/** A run that did not work is an error of that run, retried or not. */
export function markWorkOutcome(
  span: Span,
  outcome: WorkOutcome,
  failure?: { code: string; providerCode?: string },
): void {
  if (!span.isRecording()) return;
  span.setAttribute(TelemetryAttributes.outcome, outcome);
  if (!failure) return;
  span.setAttribute(TelemetryAttributes.errorCode, failure.code);
  if (failure.providerCode !== undefined) {
    span.setAttribute(TelemetryAttributes.providerCode, failure.providerCode);
  }
  markError(span, failure.code);
}

/** Names the provider on the active span, for a step that learns it only from the stored binding. */
export function markActiveProvider(provider: string): void {
  // Called inside a work item's span, whose start loaded the API.
  const span = loadedOtelApi()?.trace.getActiveSpan();
  if (span?.isRecording()) span.setAttribute(TelemetryAttributes.provider, provider);
}

function noResult(): void {}
