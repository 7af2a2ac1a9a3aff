import { BindingRecord } from '@cardbind/core';
import { z } from 'zod';
import { corruptRow } from './row-error.js';

/** A `bindings` row as either driver decodes it (jsonb → JSON values, timestamptz → Date). */
const BindingRow = z.object({
  id: z.string(),
  version: z.number(),
  provider: z.string(),
  customer: z.unknown(),
  status: z.string(),
  next_action: z.unknown(),
  card: z.unknown(),
  failure: z.unknown(),
  provider_ref: z.unknown(),
  lookup_keys: z.array(z.string()),
  idempotency_key: z.string().nullable(),
  return_url: z.string().nullable(),
  metadata: z.unknown(),
  created_at: z.date(),
  updated_at: z.date(),
  expires_at: z.date(),
});

/** The card view inside `bindings.card` went through JSON, so its date is a string there. */
const StoredCardView = z.object({ createdAt: z.coerce.date() }).loose();

/** Parses a row into a BindingRecord; a row that does not fit the schema is an error, never a cast. */
export function toBindingRecord(row: unknown): BindingRecord {
  const parsedRow = BindingRow.safeParse(row);
  if (!parsedRow.success) throw corruptRow('binding', '(unknown id)', parsedRow.error);
  const r = parsedRow.data;
  const card = r.card === null ? undefined : StoredCardView.safeParse(r.card);
  const candidate = {
    id: r.id,
    version: r.version,
    provider: r.provider,
    customer: r.customer,
    status: r.status,
    providerRef: r.provider_ref,
    lookupKeys: r.lookup_keys,
    metadata: r.metadata,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    expiresAt: r.expires_at,
    ...(r.next_action === null ? {} : { nextAction: r.next_action }),
    ...(card === undefined ? {} : { card: card.success ? card.data : r.card }),
    ...(r.failure === null ? {} : { failure: r.failure }),
    ...(r.idempotency_key === null ? {} : { idempotencyKey: r.idempotency_key }),
    ...(r.return_url === null ? {} : { returnUrl: r.return_url }),
  };
  const record = BindingRecord.safeParse(candidate);
  if (!record.success) throw corruptRow('binding', r.id, record.error);
  return record.data;
}

/** jsonb parameters go as JSON text: node-postgres would otherwise send a JS array as a PostgreSQL array. */
export function jsonParam(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}
