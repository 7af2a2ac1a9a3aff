import { z } from 'zod';

/**
 * What a provider adds to redaction: its wire names for secret fields, for fields that carry a card
 * number, and patterns for secrets that stand where no field name says so (a token in a URL path, a
 * key inside an opaque string). Names compare like the generic ones: lower-cased, without `_`, `-`.
 */
export const RedactionRules = z.object({
  /** Fields whose values are dropped: `VWUserPsw`, `RebillAnchor`, or plainly `id` for a token named so. */
  dropFields: z.array(z.string().min(1)).default([]),
  /** Fields that hold a card number: masked to first 6 / last 4. */
  maskPanFields: z.array(z.string().min(1)).default([]),
  /**
   * Each match is replaced by `[REDACTED]` in every string; with a capture group, only the group
   * (`/\/payment_methods\/(pm_\w+)/` keeps the path and drops the id).
   */
  patterns: z.array(z.instanceof(RegExp)).default([]),
});
export type RedactionRules = z.infer<typeof RedactionRules>;
export type RedactionRulesInput = z.input<typeof RedactionRules>;
