import { z } from 'zod';
import { CardView } from '../card.js';
import { CardBindingFailure } from '../errors.js';
import { NextAction } from '../next-action.js';
import { ProviderRef } from '../provider.js';
import { ChargeStatus } from './charge-status.js';
import { Money } from './money.js';
import { RetryAdvice } from './retry-advice.js';

/** A charge's failure: the binding failure's fields plus what it means for the next attempt. */
export const ChargeFailure = CardBindingFailure.extend({
  notBefore: z.date().optional(),
  advice: RetryAdvice.optional(),
});
export type ChargeFailure = z.infer<typeof ChargeFailure>;

/** A charge as the store keeps it. `version` grows by one on every compare-and-set update. */
export const ChargeRecord = z.object({
  id: z.string(),
  version: z.number().int().nonnegative(),
  provider: z.string(),
  customerId: z.string(),
  card: CardView,
  amount: Money,
  description: z.string().optional(),
  metadata: z.record(z.string(), z.string()),
  idempotencyKey: z.string(),
  /** A digest of the request's parameters: the same key with other parameters is refused. */
  requestHash: z.string(),
  /** The provider's order id, fixed and stored before the provider is first called; never replaced. */
  orderId: z.string(),
  status: ChargeStatus,
  providerRef: ProviderRef,
  nextAction: NextAction.optional(),
  failure: ChargeFailure.optional(),
  /** Refunded for good, in the charge's currency. */
  refundedMinor: z.number().int().nonnegative(),
  /** Held by refunds still in flight, so two concurrent refunds cannot both take the last ruble. */
  refundingMinor: z.number().int().nonnegative(),
  returnUrl: z.string().optional(),
  providerOptions: z.record(z.string(), z.string()),
  /** When the reconciler next asks the provider about this open charge; absent once it is settled. */
  reconcileAt: z.date().optional(),
  reconcileAttempts: z.number().int().nonnegative(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ChargeRecord = z.infer<typeof ChargeRecord>;

/** The host-facing view: no provider ref, no token. Safe to serialise to a client. */
export const Charge = z.object({
  id: z.string(),
  provider: z.string(),
  customerId: z.string(),
  card: CardView,
  amount: Money,
  refunded: Money,
  status: ChargeStatus,
  description: z.string().optional(),
  metadata: z.record(z.string(), z.string()),
  nextAction: NextAction.optional(),
  failure: ChargeFailure.optional(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Charge = z.infer<typeof Charge>;

export function toCharge(record: ChargeRecord): Charge {
  const charge: Charge = {
    id: record.id,
    provider: record.provider,
    customerId: record.customerId,
    card: record.card,
    amount: record.amount,
    refunded: { minor: record.refundedMinor, currency: record.amount.currency },
    status: record.status,
    metadata: record.metadata,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.description !== undefined) charge.description = record.description;
  if (record.nextAction && record.status === 'requires_action') charge.nextAction = record.nextAction;
  if (record.failure) charge.failure = record.failure;
  return charge;
}
