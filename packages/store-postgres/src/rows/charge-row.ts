import { CardView, ChargeFailure, ChargeRecord, RetryAdvice } from '@cardbind/core';
import { z } from 'zod';
import { MinorUnits } from './minor-units.js';
import { corruptRow } from './row-error.js';

/** A `charges` row as either driver decodes it (jsonb → JSON values, timestamptz → Date, int8 → see MinorUnits). */
const ChargeRow = z.object({
  id: z.string(),
  version: z.number(),
  provider: z.string(),
  customer_id: z.string(),
  card: z.unknown(),
  amount_minor: MinorUnits,
  currency: z.string(),
  description: z.string().nullable(),
  metadata: z.unknown(),
  idempotency_key: z.string(),
  request_hash: z.string(),
  order_id: z.string(),
  status: z.string(),
  provider_ref: z.unknown(),
  next_action: z.unknown(),
  failure: z.unknown(),
  refunded_minor: MinorUnits,
  refunding_minor: MinorUnits,
  return_url: z.string().nullable(),
  provider_options: z.unknown(),
  reconcile_at: z.date().nullable(),
  reconcile_attempts: z.number(),
  created_at: z.date(),
  updated_at: z.date(),
});

// The card view and the failure went through JSON, so their dates are ISO strings in the row.
const StoredCardView = CardView.extend({ createdAt: z.coerce.date() });
const StoredAdvice = RetryAdvice.extend({
  notBefore: z.coerce.date().optional(),
  retryUntil: z.coerce.date().optional(),
});
const StoredFailure = ChargeFailure.extend({
  notBefore: z.coerce.date().optional(),
  advice: StoredAdvice.optional(),
});

/** Parses a row into a ChargeRecord; a row that does not fit the schema is an error, never a cast. */
export function toChargeRecord(row: unknown): ChargeRecord {
  const parsedRow = ChargeRow.safeParse(row);
  if (!parsedRow.success) throw corruptRow('charge', idOf(row), parsedRow.error);
  const r = parsedRow.data;
  const card = StoredCardView.safeParse(r.card);
  const failure = r.failure === null ? undefined : StoredFailure.safeParse(r.failure);
  const record = ChargeRecord.safeParse({
    id: r.id,
    version: r.version,
    provider: r.provider,
    customerId: r.customer_id,
    card: card.success ? card.data : r.card,
    amount: { minor: r.amount_minor, currency: r.currency },
    metadata: r.metadata,
    idempotencyKey: r.idempotency_key,
    requestHash: r.request_hash,
    orderId: r.order_id,
    status: r.status,
    providerRef: r.provider_ref,
    refundedMinor: r.refunded_minor,
    refundingMinor: r.refunding_minor,
    providerOptions: r.provider_options,
    reconcileAttempts: r.reconcile_attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.description === null ? {} : { description: r.description }),
    ...(r.next_action === null ? {} : { nextAction: r.next_action }),
    ...(failure === undefined ? {} : { failure: failure.success ? failure.data : r.failure }),
    ...(r.return_url === null ? {} : { returnUrl: r.return_url }),
    ...(r.reconcile_at === null ? {} : { reconcileAt: r.reconcile_at }),
  });
  if (!record.success) throw corruptRow('charge', r.id, record.error);
  return record.data;
}

/** The row's id for an error message, when even that much of the row can be read. */
export function idOf(row: unknown): string {
  const parsed = z.object({ id: z.string() }).safeParse(row);
  return parsed.success ? parsed.data.id : '(unknown id)';
}
