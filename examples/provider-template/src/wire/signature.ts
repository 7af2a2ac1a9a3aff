import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '@cardbind/core';

/** ToyPay signs `{event}.{session_id}` with HMAC-SHA-256 under the webhook secret, hex-encoded. */
export function notificationSignature(secret: Secret, event: string, sessionId: string): string {
  return createHmac('sha256', secret.reveal()).update(`${event}.${sessionId}`).digest('hex');
}

/** Constant-time, so that a forger learns nothing from how long a wrong signature takes. */
export function isValidSignature(secret: Secret, event: string, sessionId: string, given: string): boolean {
  const expected = Buffer.from(notificationSignature(secret, event, sessionId), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
