import { ChargeAuditEntry } from '@cardbind/core';
import { z } from 'zod';
import { corruptRow } from './row-error.js';

const ChargeAuditRow = z.object({
  charge_id: z.string(),
  subject: z.string(),
  subject_id: z.string(),
  version: z.number(),
  from_status: z.string().nullable(),
  to_status: z.string(),
  trigger: z.string(),
  at: z.date(),
  request_id: z.string().nullable(),
  source_address: z.string().nullable(),
  failure_code: z.string().nullable(),
  provider_code: z.string().nullable(),
});

/** Parses a `charge_audit` row; a row that does not fit core's ChargeAuditEntry is an error, never a cast. */
export function toChargeAuditEntry(row: unknown): ChargeAuditEntry {
  const parsedRow = ChargeAuditRow.safeParse(row);
  if (!parsedRow.success) throw corruptRow('audit row of charge', '(unknown id)', parsedRow.error);
  const r = parsedRow.data;
  const entry = ChargeAuditEntry.safeParse({
    chargeId: r.charge_id,
    subject: r.subject,
    subjectId: r.subject_id,
    version: r.version,
    from: r.from_status,
    to: r.to_status,
    trigger: r.trigger,
    at: r.at,
    ...(r.request_id === null ? {} : { requestId: r.request_id }),
    ...(r.source_address === null ? {} : { sourceAddress: r.source_address }),
    ...(r.failure_code === null ? {} : { failureCode: r.failure_code }),
    ...(r.provider_code === null ? {} : { providerCode: r.provider_code }),
  });
  if (!entry.success) throw corruptRow('audit row of charge', r.charge_id, entry.error);
  return entry.data;
}
