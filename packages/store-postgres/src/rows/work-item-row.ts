import { WorkItem } from '@cardbind/core';
import { z } from 'zod';
import { corruptRow } from './row-error.js';

/** A `work_items` row as either driver decodes it (jsonb → JSON values, timestamptz → Date). */
const WorkItemRow = z.object({
  id: z.string(),
  kind: z.string(),
  binding_id: z.string(),
  payload: z.unknown(),
  status: z.string(),
  attempts: z.number(),
  run_at: z.date(),
  deadline: z.date(),
  created_at: z.date(),
  updated_at: z.date(),
  last_error_code: z.string().nullable(),
  lease_owner: z.string().nullable(),
  lease_until: z.date().nullable(),
});

/** Parses a row into core's WorkItem; a row that does not fit the schema is an error, never a cast. */
export function toWorkItem(row: unknown): WorkItem {
  const parsedRow = WorkItemRow.safeParse(row);
  if (!parsedRow.success) throw corruptRow('work item', '(unknown id)', parsedRow.error);
  const r = parsedRow.data;
  const item = WorkItem.safeParse({
    id: r.id,
    kind: r.kind,
    bindingId: r.binding_id,
    payload: r.payload,
    status: r.status,
    attempts: r.attempts,
    runAt: r.run_at,
    deadline: r.deadline,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.last_error_code === null ? {} : { lastErrorCode: r.last_error_code }),
    ...(r.lease_owner === null ? {} : { leaseOwner: r.lease_owner }),
    ...(r.lease_until === null ? {} : { leaseUntil: r.lease_until }),
  });
  if (!item.success) throw corruptRow('work item', r.id, item.error);
  return item.data;
}
