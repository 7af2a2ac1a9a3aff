import { CardBindingError } from '@cardbind/core';
import { z } from 'zod';

/**
 * What the store reads off a driver error. Only codes and names: pg and PGlite errors also carry the
 * statement's text, its parameters and a `detail` quoting the values, which must reach no log.
 */
const DriverErrorFields = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
  constraint: z.string().optional(),
});

/** SQLSTATEs that describe a passing condition: the same call on a fresh connection may succeed. */
const RETRYABLE_SQLSTATES: Readonly<Record<string, string>> = {
  '40001': 'serialization failure',
  '40P01': 'deadlock detected',
  '53300': 'too many connections',
  '55P03': 'lock not available',
  '57014': 'statement cancelled (timeout)',
  '57P01': 'server shutting down (admin shutdown)',
  '57P02': 'server crashed',
  '57P03': 'server not accepting connections yet',
  // A failover left this connection on a server that is now a read-only standby.
  '25006': 'server is read-only',
};

const RETRYABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** node-postgres reports a dead connection and a full pool by message only. */
const RETRYABLE_MESSAGES: readonly [RegExp, string][] = [
  [/^Connection terminated/, 'connection lost'],
  [/connection error and is not queryable/, 'connection lost'],
  [/^timeout exceeded when trying to connect/, 'connection pool exhausted (timed out waiting for a client)'],
  [/^Query read timeout/, 'query timed out'],
];

export const UNIQUE_VIOLATION = '23505';

export function driverErrorFields(error: unknown): z.infer<typeof DriverErrorFields> {
  const parsed = DriverErrorFields.safeParse(error);
  return parsed.success ? parsed.data : {};
}

function classify(error: unknown): { reason: string; retryable: boolean } {
  const { code, message = '' } = driverErrorFields(error);
  if (code !== undefined) {
    if (code.startsWith('08')) return { reason: `connection failure (SQLSTATE ${code})`, retryable: true };
    const known = RETRYABLE_SQLSTATES[code];
    if (known !== undefined) return { reason: `${known} (SQLSTATE ${code})`, retryable: true };
    if (RETRYABLE_SOCKET_CODES.has(code)) return { reason: `network error (${code})`, retryable: true };
  }
  for (const [pattern, reason] of RETRYABLE_MESSAGES) {
    if (pattern.test(message)) return { reason, retryable: true };
  }
  // A store closed under a caller (an instance shutting down) is an outage to that caller: the same
  // call on another instance, or after the restart, may succeed.
  if (/after calling end on the pool|PGlite is closed/.test(message)) {
    return { reason: 'the store is closed', retryable: true };
  }
  // Anything else is a fault a retry will not cure: a bug, a missing privilege, a schema changed by hand.
  const sqlState = code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : '';
  return { reason: `unexpected database error${sqlState}`, retryable: false };
}

/**
 * Turns a driver failure into the CardBindingError every cardbind caller handles. The message names the
 * operation and the kind of failure, never a value; the cause keeps the SQLSTATE and constraint name only.
 */
export function toStoreError(error: unknown, operation: string): CardBindingError {
  if (error instanceof CardBindingError) return error;
  const { reason, retryable } = classify(error);
  const { code, constraint } = driverErrorFields(error);
  const causeText = [code && `code ${code}`, constraint && `constraint ${constraint}`]
    .filter(Boolean)
    .join(', ');
  return new CardBindingError(
    'STORE_UNAVAILABLE',
    `The PostgreSQL binding store failed (${operation}): ${reason}`,
    {
      retryable,
      cause: new Error(causeText || 'driver error without a code'),
    },
  );
}
