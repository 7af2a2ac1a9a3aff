import { z } from 'zod';
import { CardBindingErrorCode } from '../errors.js';

/** What moved a charge or a refund: the host's call, the customer's action, a provider check, the reconciler. */
export const ChargeTrigger = z.enum(['charge', 'action', 'refresh', 'reconcile', 'refund']);
export type ChargeTrigger = z.infer<typeof ChargeTrigger>;

/**
 * One transition of a charge or of one of its refunds, written in the same atomic step as the
 * transition. `subjectId` is the charge's or the refund's id; `version` is that record's version after
 * the step (0 for the creation).
 */
export const ChargeAuditEntry = z.object({
  chargeId: z.string(),
  subject: z.enum(['charge', 'refund']),
  subjectId: z.string(),
  version: z.number().int().nonnegative(),
  from: z.string().nullable(),
  to: z.string(),
  trigger: ChargeTrigger,
  at: z.date(),
  requestId: z.string().optional(),
  sourceAddress: z.string().optional(),
  failureCode: CardBindingErrorCode.optional(),
  providerCode: z.string().optional(),
});
export type ChargeAuditEntry = z.infer<typeof ChargeAuditEntry>;
