import { z } from 'zod';
import { CardBindingFailure } from '../errors.js';
import { ProviderRef } from '../provider.js';
import { RefundStatus } from './charge-status.js';
import { Money } from './money.js';

/** A refund as the store keeps it. Its amount is held on the charge while it is `processing`. */
export const RefundRecord = z.object({
  id: z.string(),
  version: z.number().int().nonnegative(),
  chargeId: z.string(),
  customerId: z.string(),
  amount: Money,
  idempotencyKey: z.string(),
  requestHash: z.string(),
  status: RefundStatus,
  providerRef: ProviderRef,
  failure: CardBindingFailure.optional(),
  reconcileAt: z.date().optional(),
  reconcileAttempts: z.number().int().nonnegative(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type RefundRecord = z.infer<typeof RefundRecord>;

export const Refund = z.object({
  id: z.string(),
  chargeId: z.string(),
  amount: Money,
  status: RefundStatus,
  failure: CardBindingFailure.optional(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Refund = z.infer<typeof Refund>;

export function toRefund(record: RefundRecord): Refund {
  const refund: Refund = {
    id: record.id,
    chargeId: record.chargeId,
    amount: record.amount,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.failure) refund.failure = record.failure;
  return refund;
}
