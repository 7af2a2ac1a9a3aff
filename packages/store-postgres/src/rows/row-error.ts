import { CardBindingError } from '@cardbind/core';
import type { z } from 'zod';

/**
 * A row that does not parse is corruption or a hand edit, not a passing fault. The message names the
 * row and the failing fields, never their values (a row may hold customer data).
 */
export function corruptRow(kind: string, id: string, error: z.ZodError): CardBindingError {
  const fields = [...new Set(error.issues.map((issue) => issue.path.map(String).join('.') || '(row)'))];
  return new CardBindingError(
    'STORE_UNAVAILABLE',
    `The stored ${kind} ${id} is unreadable: fields that do not match the schema: ${fields.join(', ')}`,
    { retryable: false },
  );
}
