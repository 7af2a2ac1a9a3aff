import { createHash } from 'node:crypto';

const MAX_ORDER_ID = 50;

/**
 * PayOnline's OrderId for a binding: at most 50 characters, letters, digits, `_` and `-` only (safe in
 * the SecurityKey string, the term_url and every log). One binding is one payment attempt, so deriving
 * the order from the binding id gives every attempt a fresh order and lets callbacks find the binding.
 */
export function orderIdFor(bindingId: string): string {
  const safe = `cb-${bindingId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  if (safe.length <= MAX_ORDER_ID && safe === `cb-${bindingId}`) return safe;
  // An id that had to be changed or cut could collide with another: a digest keeps them apart.
  const digest = createHash('sha256').update(bindingId, 'utf8').digest('base64url').slice(0, 22);
  return `${safe.slice(0, MAX_ORDER_ID - digest.length - 1)}-${digest}`;
}

/** The shape every OrderId cardbind issues has; anything else in a term_url is refused unread. */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9_-]{1,50}$/;
