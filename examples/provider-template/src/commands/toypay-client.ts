import type { CardBindingError, HttpClient, HttpRequest, HttpResponse } from '@cardbind/core';
import type { ToyPayConfig } from '../config.js';
import {
  ChargeResult,
  CreatedSession,
  Deleted,
  readAnswer,
  readRefusal,
  RefundResult,
  SessionStatus,
} from '../wire/answer.js';

/** ToyPay's API calls, by the names its transcripts and spans (`cardbind.command`) show. */
export type ToyPayCommand =
  'create-session' | 'get-session' | 'delete-card' | 'create-charge' | 'get-charge' | 'create-refund';

export interface NewSession {
  customerReference: string;
  /** Ours: the binding id, which also keys the idempotent create. */
  reference: string;
  returnUrl?: string;
}

export interface NewCharge {
  orderId: string;
  cardToken: string;
  /** Minor units. */
  amount: number;
  currency: string;
  description?: string;
}

/** What ToyPay said to a debit or a refund: its answer, or its own refusal (nothing was taken). */
export type Answered<T> = { kind: 'answered'; result: T } | { kind: 'refused'; error: CardBindingError };

/**
 * A typed ToyPay client, one method per API call: each sends one request through the HttpClient
 * (bearer auth, the command's name) and returns the answer its zod schema read, or throws
 * CardBindingError (`wire/answer.ts` decides what is a refusal and what is an outage). Reads and the
 * idempotency-keyed session creation are safe to retry; a debit and a refund never are.
 */
export class ToyPayClient {
  readonly #config: ToyPayConfig;
  readonly #http: HttpClient;

  constructor(config: ToyPayConfig, http: HttpClient) {
    this.#config = config;
    this.#http = http;
  }

  /** `POST /v1/sessions`: the idempotency key makes a repeated create return the same session. */
  async createSession(session: NewSession): Promise<CreatedSession> {
    const response = await this.#send('create-session', {
      method: 'POST',
      path: '/v1/sessions',
      headers: { 'idempotency-key': `init-${session.reference}` },
      form: {
        customer_reference: session.customerReference,
        reference: session.reference,
        ...(session.returnUrl === undefined ? {} : { return_url: session.returnUrl }),
      },
      safeToRetry: true,
    });
    return readAnswer(CreatedSession, response, 'session creation');
  }

  /** `GET /v1/sessions/{id}`: the one source of truth for a session's result. */
  async getSession(sessionId: string): Promise<SessionStatus> {
    const response = await this.#send('get-session', {
      method: 'GET',
      path: `/v1/sessions/${encodeURIComponent(sessionId)}`,
      safeToRetry: true,
    });
    return readAnswer(SessionStatus, response, 'session status');
  }

  /** `POST /v1/cards/{token}/delete`; deleting twice is harmless, so it may be retried. */
  async deleteCard(token: string): Promise<void> {
    const response = await this.#send('delete-card', {
      method: 'POST',
      path: `/v1/cards/${encodeURIComponent(token)}/delete`,
      form: {},
      safeToRetry: true,
    });
    readAnswer(Deleted, response, 'card deletion');
  }

  /**
   * `POST /v1/charges`. Never retried, though ToyPay answers a repeated order_id with its first
   * result: a debit is sent once, and a lost answer is the reconciler's to ask about (docs/charging.md).
   */
  async createCharge(charge: NewCharge): Promise<Answered<ChargeResult>> {
    const response = await this.#send('create-charge', {
      method: 'POST',
      path: '/v1/charges',
      form: {
        order_id: charge.orderId,
        card_token: charge.cardToken,
        amount: String(charge.amount),
        currency: charge.currency,
        ...(charge.description === undefined ? {} : { description: charge.description }),
      },
      safeToRetry: false,
    });
    const refused = readRefusal(response);
    if (refused) return { kind: 'refused', error: refused };
    return { kind: 'answered', result: readAnswer(ChargeResult, response, 'charge') };
  }

  /** `GET /v1/charges/{order_id}`; never debits. A 404 `charge_not_found` is ToyPay never having seen it. */
  async getCharge(orderId: string): Promise<ChargeResult | 'not_found'> {
    const response = await this.#send('get-charge', {
      method: 'GET',
      path: `/v1/charges/${encodeURIComponent(orderId)}`,
      safeToRetry: true,
    });
    if (readRefusal(response)?.providerCode === 'charge_not_found') return 'not_found';
    return readAnswer(ChargeResult, response, 'charge status');
  }

  /**
   * `POST /v1/charges/{order_id}/refunds`. ToyPay dedupes `refund_id`; the service's refund id makes
   * the request name this refund alone. Never sent twice, by the service or by the client: its lost
   * answer stays unknown.
   */
  async createRefund(refund: {
    orderId: string;
    refundId: string;
    amount: number;
  }): Promise<Answered<RefundResult>> {
    const response = await this.#send('create-refund', {
      method: 'POST',
      path: `/v1/charges/${encodeURIComponent(refund.orderId)}/refunds`,
      form: { refund_id: refund.refundId, amount: String(refund.amount) },
      safeToRetry: false,
    });
    const refused = readRefusal(response);
    if (refused) return { kind: 'refused', error: refused };
    return { kind: 'answered', result: readAnswer(RefundResult, response, 'refund') };
  }

  #send(
    command: ToyPayCommand,
    request: Pick<HttpRequest, 'method' | 'safeToRetry'> & {
      path: string;
      headers?: Record<string, string>;
      form?: Record<string, string>;
    },
  ): Promise<HttpResponse> {
    return this.#http.request({
      method: request.method,
      url: `${this.#config.baseUrl}${request.path}`,
      headers: { authorization: `Bearer ${this.#config.apiKey.reveal()}`, ...request.headers },
      ...(request.form === undefined ? {} : { form: request.form }),
      safeToRetry: request.safeToRetry === true,
      command,
    });
  }
}
