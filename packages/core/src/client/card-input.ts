import { z } from 'zod';

/**
 * What the customer typed into the card form, as raw strings. Every field is optional because a form
 * asks only for what the backend's params list (see `requiredCardFields`); `validateCardInput` decides
 * what is missing or malformed. The values are never logged or put into error messages.
 */
export const CardInput = z.object({
  /** Holder name as printed on the card (Latin letters). */
  name: z.string().optional(),
  /** Card number; spaces and dashes are allowed while typing and stripped before sending. */
  number: z.string().optional(),
  /** Expiry as MMYY (`MM/YY` is accepted and normalised). */
  expires: z.string().optional(),
  cvv: z.string().optional(),
  /** The issuing bank's name. */
  bank: z.string().optional(),
  mail: z.string().optional(),
  phone: z.string().optional(),
  /** ISO-3166 alpha-2, any case. */
  country: z.string().optional(),
  city: z.string().optional(),
  address: z.string().optional(),
  /** US ZIP code; only accepted when the country is US. */
  zip: z.string().optional(),
  /** US state code; only accepted when the country is US. */
  state: z.string().optional(),
});
export type CardInput = z.infer<typeof CardInput>;

/** The name of one card-form field: what an app renders an input for and what errors point at. */
export const CardField = CardInput.keyof();
export type CardField = z.infer<typeof CardField>;
