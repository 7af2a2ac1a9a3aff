/// <reference lib="dom" />
import type { z } from 'zod';
import { BindingEnvelope, CardsEnvelope, ClientConfig, ErrorBody, SessionView } from '../shared/api-types.js';
import {
  ChargeEnvelope,
  ChargesEnvelope,
  RefundEnvelope,
  RefundsEnvelope,
} from '../shared/charge-api-types.js';

/** An error answer of the host's API, with its code (`UNAUTHENTICATED`, `RATE_LIMITED`...). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** A passing failure: asking again later may work. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

async function call<S extends z.ZodType>(
  schema: S,
  path: string,
  init: { method?: string; json?: unknown; signal?: AbortSignal; idempotencyKey?: string } = {},
): Promise<z.output<S>> {
  const headers: Record<string, string> = {};
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.idempotencyKey !== undefined) headers['idempotency-key'] = init.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The shop could not be reached; check your connection', true);
  }
  const text = await response.text();
  const json: unknown = text === '' ? {} : safeJson(text);
  if (!response.ok) {
    const error = ErrorBody.safeParse(json);
    const retryable = response.status >= 500 || response.status === 429;
    if (error.success) {
      throw new ApiError(response.status, error.data.error.code, error.data.error.message, retryable);
    }
    throw new ApiError(response.status, 'HTTP_ERROR', `The shop answered HTTP ${response.status}`, retryable);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ApiError(response.status, 'BAD_ANSWER', 'The shop sent an unexpected answer', true);
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const Empty = ErrorBody.partial();

/** The host's API, one function per route. */
export const api = {
  config: () => call(ClientConfig, '/api/config'),
  session: () => call(SessionView, '/api/session'),
  login: (customer: string) => call(SessionView, '/api/session', { method: 'POST', json: { customer } }),
  logout: () => call(Empty, '/api/session', { method: 'DELETE' }),
  startBinding: (provider: string, idempotencyKey: string) =>
    call(BindingEnvelope, '/api/bindings', { method: 'POST', json: { provider, idempotencyKey } }),
  binding: (id: string, signal?: AbortSignal) =>
    call(BindingEnvelope, `/api/bindings/${encodeURIComponent(id)}`, signal === undefined ? {} : { signal }),
  report: (id: string, report: Readonly<Record<string, string | undefined>>) =>
    call(BindingEnvelope, `/api/bindings/${encodeURIComponent(id)}/report`, { method: 'POST', json: report }),
  cards: () => call(CardsEnvelope, '/api/cards'),
  removeCard: (id: string) => call(Empty, `/api/cards/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  /** `amount` as typed ("10.00"): the host converts it to kopecks on its digits. */
  charge: (cardId: string, amount: string, idempotencyKey: string) =>
    call(ChargeEnvelope, `/api/cards/${encodeURIComponent(cardId)}/charges`, {
      method: 'POST',
      json: { amount, currency: 'RUB' },
      idempotencyKey,
    }),
  charges: () => call(ChargesEnvelope, '/api/charges'),
  chargeById: (id: string) => call(ChargeEnvelope, `/api/charges/${encodeURIComponent(id)}`),
  /** Without `amount`: the rest of the charge. */
  refund: (chargeId: string, amount: string | undefined, idempotencyKey: string) =>
    call(RefundEnvelope, `/api/charges/${encodeURIComponent(chargeId)}/refunds`, {
      method: 'POST',
      json: amount === undefined ? {} : { amount },
      idempotencyKey,
    }),
  refunds: (chargeId: string) =>
    call(RefundsEnvelope, `/api/charges/${encodeURIComponent(chargeId)}/refunds`),
};
