import { z } from 'zod';
import { CardView } from '../card.js';
import { Customer } from '../customer.js';
import { CardBindingFailure } from '../errors.js';
import { NextAction } from '../next-action.js';
import { ProviderRef } from '../provider.js';
import { BindingStatus } from './status.js';

/** A binding as the store keeps it. `version` grows by one on every compare-and-set update. */
export const BindingRecord = z.object({
  id: z.string(),
  version: z.number().int().nonnegative(),
  provider: z.string(),
  customer: Customer,
  status: BindingStatus,
  nextAction: NextAction.optional(),
  card: CardView.optional(),
  failure: CardBindingFailure.optional(),
  providerRef: ProviderRef,
  lookupKeys: z.array(z.string()),
  idempotencyKey: z.string().optional(),
  returnUrl: z.string().optional(),
  metadata: z.record(z.string(), z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
  expiresAt: z.date(),
});
export type BindingRecord = z.infer<typeof BindingRecord>;

/** The host-facing view: no provider internals, no card token. Safe to serialise to a client. */
export const Binding = z.object({
  id: z.string(),
  provider: z.string(),
  customerId: z.string(),
  status: BindingStatus,
  nextAction: NextAction.optional(),
  card: CardView.optional(),
  failure: CardBindingFailure.optional(),
  metadata: z.record(z.string(), z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
  expiresAt: z.date(),
});
export type Binding = z.infer<typeof Binding>;

export function toBinding(record: BindingRecord): Binding {
  const binding: Binding = {
    id: record.id,
    provider: record.provider,
    customerId: record.customer.id,
    status: record.status,
    metadata: record.metadata,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    expiresAt: record.expiresAt,
  };
  // A finished binding has nothing left to do: its next action would only invite a second attempt.
  if (record.nextAction && (record.status === 'requires_action' || record.status === 'processing')) {
    binding.nextAction = record.nextAction;
  }
  if (record.card) binding.card = record.card;
  if (record.failure) binding.failure = record.failure;
  return binding;
}
