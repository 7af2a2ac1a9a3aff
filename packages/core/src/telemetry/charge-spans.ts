import type { Span } from '@opentelemetry/api';
import type { Charge } from '../charge/charge.js';
import type { Refund } from '../charge/refund.js';
import { TelemetryAttributes } from './attribute-names.js';
import { inSpan, markFailure } from './operation-span.js';

/** A ChargeService operation on one charge (`chargeId` when the call names it). */
export function traceCharge(
  name: string,
  operation: () => Promise<Charge>,
  chargeId?: string,
): Promise<Charge> {
  return inSpan(
    name,
    (span) => {
      if (chargeId !== undefined && span.isRecording()) {
        span.setAttribute(TelemetryAttributes.chargeId, chargeId);
      }
      return operation();
    },
    describeCharge,
  );
}

export function traceRefund(chargeId: string, operation: () => Promise<Refund>): Promise<Refund> {
  return inSpan(
    'ChargeService.refund',
    (span) => {
      if (span.isRecording()) span.setAttribute(TelemetryAttributes.chargeId, chargeId);
      return operation();
    },
    describeRefund,
  );
}

/** `reconcileDue`: how many charges and refunds the round asked about. */
export function traceReconcile<T extends { charges: number; refunds: number }>(
  operation: () => Promise<T>,
): Promise<T> {
  return inSpan('ChargeService.reconcileDue', operation, (span, round) => {
    span.setAttribute(TelemetryAttributes.reconciledCharges, round.charges);
    span.setAttribute(TelemetryAttributes.reconciledRefunds, round.refunds);
  });
}

function describeCharge(span: Span, charge: Charge): void {
  span.setAttribute(TelemetryAttributes.chargeId, charge.id);
  span.setAttribute(TelemetryAttributes.provider, charge.provider);
  span.setAttribute(TelemetryAttributes.outcome, charge.status);
  if (charge.failure) markFailure(span, charge.failure);
}

function describeRefund(span: Span, refund: Refund): void {
  span.setAttribute(TelemetryAttributes.refundId, refund.id);
  span.setAttribute(TelemetryAttributes.outcome, refund.status);
  if (refund.failure) markFailure(span, refund.failure);
}
