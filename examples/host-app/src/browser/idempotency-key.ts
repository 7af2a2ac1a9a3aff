/// <reference lib="dom" />

/**
 * A new idempotency key, one per click (a binding's start, a charge, a refund): a retried request
 * carries the same key, so it starts or charges once. 128 random bits; getRandomValues works on
 * plain-http pages too (the demo opened by a LAN address), where randomUUID does not exist.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
