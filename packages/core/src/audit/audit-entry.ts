import { z } from 'zod';
import { BindingStatus } from '../binding/status.js';
import { CardBindingErrorCode } from '../errors.js';

/** What made a binding move: the host's call, a provider's callback, a deadline or the sweeper. */
export const TransitionTrigger = z.enum(['start', 'return', 'poll', 'callback', 'deadline', 'sweep']);
export type TransitionTrigger = z.infer<typeof TransitionTrigger>;

/**
 * One transition of one binding, written by the store in the same atomic step as the transition itself,
 * so the history can never disagree with the record. `version` is the record's version after the step
 * (0 for the creation), which orders a binding's history and makes each row unique.
 */
export const AuditEntry = z.object({
  bindingId: z.string(),
  version: z.number().int().nonnegative(),
  from: BindingStatus.nullable(),
  to: BindingStatus,
  trigger: TransitionTrigger,
  at: z.date(),
  requestId: z.string().optional(),
  sourceAddress: z.string().optional(),
  failureCode: CardBindingErrorCode.optional(),
  providerCode: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
