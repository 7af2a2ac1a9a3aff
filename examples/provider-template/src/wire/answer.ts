import { CardBindingError, type HttpResponse } from '@cardbind/core';
import { z } from 'zod';
import { rejectionFrom } from '../errors/codes.js';

/** `POST /v1/sessions` → the session and the hosted page the customer goes to. */
export const CreatedSession = z.object({
  id: z.string().min(1),
  hosted_page_url: z.string().url(),
  expires_at: z.iso.datetime(),
});
export type CreatedSession = z.infer<typeof CreatedSession>;

export const ToyPayCard = z.object({
  token: z.string().min(1),
  bin: z.string().regex(/^\d{6}$/),
  last4: z.string().regex(/^\d{4}$/),
  brand: z.string().optional(),
  exp_month: z.number().int().min(1).max(12),
  exp_year: z.number().int().min(2000),
  holder: z.string().optional(),
});
export type ToyPayCard = z.infer<typeof ToyPayCard>;

/** `GET /v1/sessions/{id}`: the source of truth for a session's result. */
export const SessionStatus = z.discriminatedUnion('status', [
  z.object({ id: z.string(), status: z.literal('open') }),
  z.object({ id: z.string(), status: z.literal('succeeded'), card: ToyPayCard }),
  z.object({ id: z.string(), status: z.literal('declined'), decline_code: z.string().min(1) }),
  z.object({ id: z.string(), status: z.literal('expired') }),
]);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const Deleted = z.object({ deleted: z.literal(true) });

/** `POST /v1/charges` and `GET /v1/charges/{order_id}`: what ToyPay did with the order. */
export const ChargeResult = z.discriminatedUnion('status', [
  z.object({ order_id: z.string(), status: z.literal('succeeded') }),
  z.object({ order_id: z.string(), status: z.literal('declined'), decline_code: z.string().min(1) }),
]);
export type ChargeResult = z.infer<typeof ChargeResult>;

/** `POST /v1/charges/{order_id}/refunds`. */
export const RefundResult = z.object({ refund_id: z.string(), status: z.literal('succeeded') });
export type RefundResult = z.infer<typeof RefundResult>;

/** ToyPay's refusal body on 4xx answers. */
const ErrorBody = z.object({ error: z.object({ code: z.string().min(1) }) });

/**
 * Reads one ToyPay answer. A 4xx with ToyPay's error body is ToyPay refusing (typed by its code);
 * anything that is not the JSON we expect (an HTML page from a load balancer, a truncated body) means
 * ToyPay is not really answering: PROVIDER_UNAVAILABLE, retryable. 5xx never gets here: the HTTP
 * client already turned it into PROVIDER_UNAVAILABLE.
 */
export function readAnswer<Schema extends z.ZodType>(
  schema: Schema,
  response: HttpResponse,
  what: string,
): z.output<Schema> {
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    throw new CardBindingError(
      'PROVIDER_UNAVAILABLE',
      `ToyPay answered ${what} with something that is not JSON`,
      {
        providerCode: `HTTP_${response.statusCode}`,
      },
    );
  }
  if (response.statusCode >= 400) {
    throw (
      refusalIn(body) ??
      new CardBindingError('PROVIDER_REJECTED', `ToyPay refused ${what}`, {
        providerCode: `HTTP_${response.statusCode}`,
      })
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    // Name the fields that were wrong, never their values.
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new CardBindingError('PROVIDER_UNAVAILABLE', `ToyPay's ${what} answer is malformed (${fields})`);
  }
  return parsed.data;
}

/**
 * ToyPay's own refusal (a 4xx with its error body), or undefined. A refusal means ToyPay did nothing:
 * for a charge or a refund that is a known answer (`failed`), unlike a 4xx page from something in
 * front of ToyPay, after which nobody knows.
 */
export function readRefusal(response: HttpResponse): CardBindingError | undefined {
  if (response.statusCode < 400) return undefined;
  try {
    return refusalIn(JSON.parse(response.body));
  } catch {
    return undefined;
  }
}

function refusalIn(body: unknown): CardBindingError | undefined {
  const refusal = ErrorBody.safeParse(body);
  return refusal.success ? rejectionFrom(refusal.data.error.code) : undefined;
}
