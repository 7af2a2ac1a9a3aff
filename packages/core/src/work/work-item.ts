import { z } from 'zod';

/**
 * Work a transition causes, recorded in the same atomic step as the transition (a transactional
 * outbox), so it happens even when the process dies right after the commit.
 * - `binding.event`: tell the listeners of one transition (at least once; the item id is the event id).
 * - `binding.after_success` / `binding.after_failure`: the provider's after-step (e.g. PayOnline's void).
 */
export const WorkKind = z.enum(['binding.event', 'binding.after_success', 'binding.after_failure']);
export type WorkKind = z.infer<typeof WorkKind>;

/** `running` is held under a lease; a crashed holder's lease runs out and another worker takes the item. */
export const WorkStatus = z.enum(['pending', 'running', 'done', 'failed']);
export type WorkStatus = z.infer<typeof WorkStatus>;

export const NewWorkItem = z.object({
  /** Stable across retries and instances: a listener dedupes events by it. */
  id: z.string().min(1),
  kind: WorkKind,
  bindingId: z.string(),
  payload: z.record(z.string(), z.json()),
  /** Not before. */
  runAt: z.date(),
  /** Not after: past it the item fails for good (PayOnline voids only within 24 h of the payment). */
  deadline: z.date(),
});
export type NewWorkItem = z.infer<typeof NewWorkItem>;

export const WorkItem = NewWorkItem.extend({
  status: WorkStatus,
  /** Claims so far, counted at claim time so that a holder that died mid-run still counts. */
  attempts: z.number().int().nonnegative(),
  createdAt: z.date(),
  updatedAt: z.date(),
  lastErrorCode: z.string().optional(),
  leaseOwner: z.string().optional(),
  leaseUntil: z.date().optional(),
});
export type WorkItem = z.infer<typeof WorkItem>;
