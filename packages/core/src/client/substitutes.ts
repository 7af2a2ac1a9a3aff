import { z } from 'zod';
import { CardField } from './card-input.js';

/**
 * The substitute vocabulary of LitRes's form-params spec (`w_add_new_creditcard`): a form param with
 * `substitute: <key>` is filled by the app from what the customer typed. These keys are the ones every
 * form-params backend may use.
 */
export const REQUIRED_SUBSTITUTES = [
  'name',
  'number',
  'expires',
  'cvv',
  'bank',
  'mail',
  'phone',
  'country',
] as const;

/**
 * Keys that depend on the backend's security settings. LitRes's form-params spec: ask the customer for them
 * and send them ONLY when the backend listed them; never send them otherwise. Since the filled request is
 * built from the backend's params list alone, an unlisted key can never leak into it.
 */
export const OPTIONAL_SUBSTITUTES = ['city', 'address', 'zip', 'state', 'security_key'] as const;

export const SubstituteKey = z.enum([...REQUIRED_SUBSTITUTES, ...OPTIONAL_SUBSTITUTES]);
export type SubstituteKey = z.infer<typeof SubstituteKey>;

/**
 * Spellings the spec's own example answer uses (`zipcode`, `issuer`) that mean a canonical key. A Map, not an
 * object literal, so a key like `__proto__` or `toString` can never resolve through the prototype.
 */
export const SUBSTITUTE_ALIASES: ReadonlyMap<string, SubstituteKey> = new Map<string, SubstituteKey>([
  ['zipcode', 'zip'],
  ['issuer', 'bank'],
]);

/**
 * The canonical key for a backend's `substitute` value, or undefined when it is not in the vocabulary.
 * The match is exact (the spec spells every key in lower case): guessing at a near-miss could put a
 * card value into the wrong processor field, so an unknown key must fail loudly instead.
 */
export function canonicalSubstitute(key: string): SubstituteKey | undefined {
  const alias = SUBSTITUTE_ALIASES.get(key);
  if (alias !== undefined) return alias;
  const parsed = SubstituteKey.safeParse(key);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The card-form field a canonical key reads from, or undefined for `security_key`, which the customer
 * cannot type (it is the backend's integrity key and travels in the param's own value).
 */
export function cardFieldOf(key: SubstituteKey): CardField | undefined {
  const parsed = CardField.safeParse(key);
  return parsed.success ? parsed.data : undefined;
}
