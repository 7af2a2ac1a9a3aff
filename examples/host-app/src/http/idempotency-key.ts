import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HostApiError } from './api-error.js';

/** Long enough that a client cannot collide by accident; Stripe allows up to 255 characters. */
const IdempotencyKey = z.string().trim().min(8).max(255);

/**
 * The `Idempotency-Key` header of a charge or a refund (Stripe's convention). Required: without one a
 * retried request, or a second click, could move money twice; with one, core returns the first result.
 */
export function requireIdempotencyKey(request: FastifyRequest): string {
  const key = IdempotencyKey.safeParse(request.headers['idempotency-key']);
  if (!key.success) {
    throw new HostApiError(400, 'BAD_REQUEST', 'Send an Idempotency-Key header (8 to 255 characters)');
  }
  return key.data;
}
