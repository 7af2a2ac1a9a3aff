import { RefundRecord } from '@cardbind/core';
import { z } from 'zod';
import { idOf } from './charge-row.js';
import { MinorUnits } from './minor-units.js';
import { corruptRow } from './row-error.js';

/** A `refunds` row as either driver decodes it. */
const RefundRow = z.object({
  id: z.string(),
  version: z.number(),
  charge_id: z.string(),
  customer_id: z.string(),
  amount_minor: MinorUnits,
  currency: z.string(),
  idempotency_key: z.string(),
  request_hash: z.string(),
  status: z.string(),
  provider_ref: z.unknown(),
  failure: z.unknown(),
  reconcile_at: z.date().nullable(),
  reconcile_attempts: z.number(),
  created_at: z.date(),
  updated_at: z.date(),
});

/** Parses a row into a RefundRecord; a row that does not fit the schema is an error, never a cast. */
export function toRefundRecord(row: unknown): RefundRecord {
  const parsedRow = RefundRow.safeParse(row);
  if (!parsedRow.success) throw corruptRow('refund', idOf(row), parsedRow.error);
  const r = parsedRow.data;
  const refund = RefundRecord.safeParse({
    id: r.id,
    version: r.version,
    chargeId: r.charge_id,
    customerId: r.customer_id,
    amount: { minor: r.amount_minor, currency: r.currency },
    idempotencyKey: r.idempotency_key,
    requestHash: r.request_hash,
    status: r.status,
    providerRef: r.provider_ref,
    reconcileAttempts: r.reconcile_attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.failure === null ? {} : { failure: r.failure }),
    ...(r.reconcile_at === null ? {} : { reconcileAt: r.reconcile_at }),
  });
  if (!refund.success) throw corruptRow('refund', r.id, refund.error);
  return refund.data;
}
