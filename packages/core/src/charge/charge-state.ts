import { CardBindingError } from '../errors.js';
import type { ProviderRef } from '../provider.js';
import type { ChargeFailure, ChargeRecord } from './charge.js';
import type { ChargeCheckOutcome } from './charge-provider.js';
import type { ChargeStatus, RefundStatus } from './charge-status.js';
import type { RefundRecord } from './refund.js';

/**
 * The charge state machine, in one place.
 *
 *   processing ──► succeeded
 *     │  ▲   └───► failed
 *     ▼  │
 *   requires_action ──► succeeded | failed
 *
 * A charge is created `processing` with its order id already fixed, before the provider is called.
 * Terminal states never change status; a succeeded charge still changes its refunded amounts.
 */
const ALLOWED: Readonly<Record<ChargeStatus, readonly ChargeStatus[]>> = {
  processing: ['processing', 'requires_action', 'succeeded', 'failed'],
  requires_action: ['requires_action', 'processing', 'succeeded', 'failed'],
  succeeded: ['succeeded'],
  failed: [],
};

const REFUND_ALLOWED: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = {
  processing: ['processing', 'succeeded', 'failed'],
  succeeded: [],
  failed: [],
};

export function isChargeSettled(status: ChargeStatus): boolean {
  return status === 'succeeded' || status === 'failed';
}

export function canChargeTransition(from: ChargeStatus, to: ChargeStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function canRefundTransition(from: RefundStatus, to: RefundStatus): boolean {
  return REFUND_ALLOWED[from].includes(to);
}

/** The fields a charge transition may change; the store applies them with a compare-and-set. */
export interface ChargePatch {
  status?: ChargeStatus;
  providerRef?: ProviderRef;
  /** `null` clears it. */
  nextAction?: ChargeRecord['nextAction'] | null;
  failure?: ChargeFailure;
  refundedMinor?: number;
  refundingMinor?: number;
  /** `null` clears it: the charge is settled and leaves the reconciler's list. */
  reconcileAt?: Date | null;
  reconcileAttempts?: number;
  updatedAt: Date;
}

export interface RefundPatch {
  status?: RefundStatus;
  providerRef?: ProviderRef;
  failure?: RefundRecord['failure'];
  reconcileAt?: Date | null;
  reconcileAttempts?: number;
  updatedAt: Date;
}

export interface ChargePlanInput {
  record: ChargeRecord;
  outcome: ChargeCheckOutcome;
  now: Date;
  /** When an open charge is asked about next (absent: it is settled by this outcome). */
  nextCheckAt: Date;
  /** `not_found` this long after creation means the debit never happened. */
  notFoundAfter: Date;
}

/**
 * Decides what a provider's answer does to a stored charge. Pure: the service performs the
 * compare-and-set, so racing callers (the first call, a customer's action, the reconciler) all go
 * through this same function and only the first verdict is stored.
 */
export function planChargeTransition(input: ChargePlanInput): ChargePatch | undefined {
  const { record, outcome, now } = input;
  if (isChargeSettled(record.status)) return undefined;
  const providerRef =
    'providerRef' in outcome && outcome.providerRef && Object.keys(outcome.providerRef).length > 0
      ? { ...record.providerRef, ...outcome.providerRef }
      : undefined;
  const base: ChargePatch = { updatedAt: now, ...(providerRef ? { providerRef } : {}) };
  switch (outcome.status) {
    case 'succeeded':
      return { ...base, status: 'succeeded', nextAction: null, reconcileAt: null };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        nextAction: null,
        reconcileAt: null,
        failure: chargeFailure(outcome.error, outcome.advice),
      };
    case 'requires_action':
      return {
        ...base,
        status: 'requires_action',
        nextAction: outcome.action,
        reconcileAt: input.nextCheckAt,
      };
    case 'pending':
      return { ...base, reconcileAt: input.nextCheckAt };
    case 'not_found':
      if (now.getTime() < input.notFoundAfter.getTime()) return { ...base, reconcileAt: input.nextCheckAt };
      return {
        ...base,
        status: 'failed',
        nextAction: null,
        reconcileAt: null,
        failure: chargeFailure(
          new CardBindingError(
            'PROVIDER_UNAVAILABLE',
            'The provider has no payment for this charge: the request never reached it, so no money moved',
            { retryable: true },
          ),
          undefined,
        ),
      };
  }
}

export function chargeFailure(
  error: CardBindingError,
  advice: ChargeFailure['advice'] | undefined,
): ChargeFailure {
  const failure: ChargeFailure = error.toFailure();
  if (advice) {
    failure.advice = advice;
    failure.retryable = advice.retryable;
    if (advice.notBefore) failure.notBefore = advice.notBefore;
  }
  return failure;
}
