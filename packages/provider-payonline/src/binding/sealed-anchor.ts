import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Secret } from '@cardbind/core';

/**
 * The RebillAnchor PayOnline's 3-D Secure endpoint answered the host waits in the binding's providerRef
 * until PayOnline confirms the payment. A providerRef is stored as plain JSON, and an anchor is enough
 * to charge the card, so it is kept sealed: AES-256-GCM under a key derived from the merchant's private
 * security key (which no store holds), bound to the order and transaction it belongs to. A database
 * dump then holds nothing chargeable.
 */
const INFO = 'cardbind payonline sealed rebill anchor v1';

function keyFor(privateKey: Secret): Buffer {
  return Buffer.from(hkdfSync('sha256', privateKey.reveal(), Buffer.alloc(0), INFO, 32));
}

export function sealAnchor(privateKey: Secret, context: string, anchor: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(privateKey), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(anchor, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The anchor, or undefined when the seal does not open (another key, another order, a damaged ref). */
export function openAnchor(privateKey: Secret, context: string, sealed: string): string | undefined {
  try {
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length < 12 + 16 + 1) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', keyFor(privateKey), bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}

/** What a sealed anchor is bound to: it opens only for the order and transaction it was sealed for. */
export function anchorContext(orderId: string, transactionId: string): string {
  return `${orderId}\u0000${transactionId}`;
}
