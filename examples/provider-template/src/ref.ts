import { CardBindingError, type ProviderRef } from '@cardbind/core';
import { z } from 'zod';

/**
 * What this provider remembers between calls. Core stores it as opaque JSON; the provider alone
 * reads it, through this schema, so nothing is ever cast.
 */
export const ToyPayRef = z.object({ sessionId: z.string().min(1) });
export type ToyPayRef = z.infer<typeof ToyPayRef>;

export function readRef(ref: ProviderRef): ToyPayRef {
  const parsed = ToyPayRef.safeParse(ref);
  if (!parsed.success) {
    throw new CardBindingError('INVALID_STATE', 'The binding has no ToyPay session', { retryable: false });
  }
  return parsed.data;
}
