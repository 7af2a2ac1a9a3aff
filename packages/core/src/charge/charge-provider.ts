import { z } from 'zod';
import type { SavedCard } from '../card.js';
import { CardBindingError } from '../errors.js';
import { NextAction } from '../next-action.js';
import type { CallbackRequest } from '../provider.js';
import { ProviderRef } from '../provider.js';
import type { ChargeStatus } from './charge-status.js';
import type { Money } from './money.js';
import { RetryAdvice } from './retry-advice.js';

const Succeeded = z.strictObject({ status: z.literal('succeeded'), providerRef: ProviderRef.optional() });
const Failed = z.strictObject({
  status: z.literal('failed'),
  /** Only when the provider is sure no money moved: an unknown result is a throw, never `failed`. */
  error: z.instanceof(CardBindingError),
  advice: RetryAdvice.optional(),
  providerRef: ProviderRef.optional(),
});
const RequiresAction = z.strictObject({
  status: z.literal('requires_action'),
  action: NextAction,
  providerRef: ProviderRef.optional(),
});
/** The provider took the payment and has no verdict yet: the reconciler asks again later. */
const Pending = z.strictObject({ status: z.literal('pending'), providerRef: ProviderRef.optional() });

/**
 * What `charge` and `completeChargeAction` may answer. A provider throws when it does not know what
 * happened (a timeout, a 5xx, an unreadable answer): the charge stays `processing` and the reconciler
 * asks `checkCharge` about the same order id. It never returns `failed` unless the debit surely did not happen.
 */
export const ChargeOutcome = z.discriminatedUnion('status', [Succeeded, Failed, RequiresAction, Pending]);
export type ChargeOutcome = z.infer<typeof ChargeOutcome>;

/** What `checkCharge` may answer: also that the provider has no payment for this order at all. */
export const ChargeCheckOutcome = z.discriminatedUnion('status', [
  Succeeded,
  Failed,
  RequiresAction,
  Pending,
  z.strictObject({ status: z.literal('not_found') }),
]);
export type ChargeCheckOutcome = z.infer<typeof ChargeCheckOutcome>;

/** What `refund` may answer. Unknown is a throw: the refund stays `processing` and is never re-sent. */
export const RefundOutcome = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('succeeded'),
    /** A patch for the charge's ref (e.g. "voided"). */
    providerRef: ProviderRef.optional(),
  }),
  z.strictObject({ status: z.literal('failed'), error: z.instanceof(CardBindingError) }),
]);
export type RefundOutcome = z.infer<typeof RefundOutcome>;

/** What `checkRefund` may answer about a refund whose answer was lost. */
export const RefundCheckOutcome = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('succeeded'), providerRef: ProviderRef.optional() }),
  z.strictObject({ status: z.literal('failed'), error: z.instanceof(CardBindingError) }),
  z.strictObject({ status: z.literal('unknown') }),
]);
export type RefundCheckOutcome = z.infer<typeof RefundCheckOutcome>;

/** A new charge: everything the provider needs for its one debit request. */
export interface ProviderChargeContext {
  readonly chargeId: string;
  /** The order id to send. Fixed before this call; the reconciler asks about the same one. */
  readonly orderId: string;
  readonly customerId: string;
  /** The saved card, token included: the provider's handle (Payture CardId, PayOnline RebillAnchor). */
  readonly card: SavedCard;
  readonly amount: Money;
  readonly description?: string;
  /** The host's page the customer comes back to after a 3-D Secure step. */
  readonly returnUrl?: string;
  /** Per-charge options the provider parses with its own schema (PayOnline's `flow: relay`). */
  readonly providerOptions: Readonly<Record<string, string>>;
  readonly now: Date;
}

/**
 * An existing charge, for a check, a customer's action or a refund. When the customer has removed the
 * card since, `card.token` is empty: a check or a refund names the order, never the card.
 */
export interface ProviderChargeStateContext extends ProviderChargeContext {
  readonly status: ChargeStatus;
  readonly providerRef: ProviderRef;
  readonly createdAt: Date;
}

export interface ProviderChargeActionContext extends ProviderChargeStateContext {
  /** What the customer's browser posted to the host's return page (PaRes and MD after 3-D Secure). */
  readonly request: z.output<typeof CallbackRequest>;
}

export interface ProviderRefundContext {
  readonly refundId: string;
  readonly charge: ProviderChargeStateContext;
  readonly amount: Money;
  /** Refunded before this one, for good. */
  readonly refundedBefore: Money;
  readonly now: Date;
}

/**
 * The optional charging operations of a provider. A provider that charges implements `charge` and
 * `checkCharge` (no charge is safe without a way to ask about a lost answer); refunds and actions are
 * separate capabilities.
 */
export interface ChargingOperations {
  charge?(ctx: ProviderChargeContext): Promise<ChargeOutcome>;
  /** Asks the provider about the charge's order (Payture GetState, PayOnline Search). Never debits. */
  checkCharge?(ctx: ProviderChargeStateContext): Promise<ChargeCheckOutcome>;
  /** Completes a charge that required the customer (Payture PaySubmit3DS). */
  completeChargeAction?(ctx: ProviderChargeActionContext): Promise<ChargeOutcome>;
  refund?(ctx: ProviderRefundContext): Promise<RefundOutcome>;
  /** Asks the provider whether a refund whose answer was lost went through. */
  checkRefund?(ctx: ProviderRefundContext): Promise<RefundCheckOutcome>;
}
