import {
  CardBindingError,
  type CallbackResult,
  type CardBindingProvider,
  type CardToken,
  type ChargeCheckOutcome,
  type ChargeOutcome,
  type HttpClient,
  type Logger,
  type ProviderCallbackContext,
  type ProviderChargeContext,
  type ProviderChargeStateContext,
  type ProviderContext,
  type ProviderInitContext,
  type ProviderRefundContext,
  type InitOutcome,
  type ProviderOutcome,
  type RefundOutcome,
  type RemoveCardContext,
} from '@cardbind/core';
import { assertSecureUrl } from '@cardbind/core/client';
import { z } from 'zod';
import { ToyPayCharging } from './charge.js';
import type { ToyPayConfig } from './config.js';
import { declineFrom } from './errors.js';
import { readRef } from './ref.js';
import { isValidSignature } from './signature.js';
import { CreatedSession, Deleted, readAnswer, SessionStatus, type ToyPayCard } from './wire.js';

export const TOYPAY_PROVIDER_ID = 'toypay';

/** A notification as ToyPay posts it (form-encoded). */
const Notification = z.object({
  event: z.enum(['session.succeeded', 'session.declined', 'session.expired']),
  session_id: z.string().min(1),
});

export interface ToyPayDependencies {
  http: HttpClient;
  logger: Logger;
}

/** What a client may see of the card: first six and last four digits, never the token. */
function toCardToken(card: ToyPayCard): CardToken {
  const month = String(card.exp_month).padStart(2, '0');
  const year = String(card.exp_year % 100).padStart(2, '0');
  return {
    token: card.token,
    display: {
      maskedPan: `${card.bin}******${card.last4}`,
      expiry: `${month}/${year}`,
      ...(card.holder === undefined ? {} : { holder: card.holder }),
      ...(card.brand === undefined ? {} : { brand: card.brand }),
    },
  };
}

/**
 * ToyPay's redirect flow: init opens a session and sends the customer to ToyPay's hosted page; the
 * result is always pulled from ToyPay's status API (on return, on a poll, or when a signed notification
 * says something happened), never taken from the return URL. Stateless: the session id lives in the
 * binding's providerRef. Saved cards are charged and refunded by `ToyPayCharging` (`charge.ts`).
 */
export class ToyPayProvider implements CardBindingProvider {
  readonly id = TOYPAY_PROVIDER_ID;
  readonly #charging: ToyPayCharging;

  constructor(
    private readonly config: ToyPayConfig,
    private readonly deps: ToyPayDependencies,
  ) {
    this.#charging = new ToyPayCharging(config, deps.http);
  }

  async init(ctx: ProviderInitContext): Promise<InitOutcome> {
    const response = await this.deps.http.request({
      method: 'POST',
      url: `${this.config.baseUrl}/v1/sessions`,
      headers: { ...this.#auth(), 'idempotency-key': `init-${ctx.bindingId}` },
      form: {
        customer_reference: ctx.customer.id,
        reference: ctx.bindingId,
        ...(ctx.returnUrl === undefined ? {} : { return_url: ctx.returnUrl }),
      },
      // The idempotency key makes a repeated create return the same session: safe to retry.
      safeToRetry: true,
    });
    const session = readAnswer(CreatedSession, response, 'session creation');
    // The page URL comes from the network: the customer's card will be typed there.
    assertSecureUrl(session.hosted_page_url, { allowLoopbackHttp: this.config.allowLoopbackHttp });
    return {
      status: 'requires_action',
      action: { type: 'redirect', url: session.hosted_page_url, method: 'GET' },
      providerRef: { sessionId: session.id },
      expiresAt: new Date(session.expires_at),
      lookupKeys: [session.id],
    };
  }

  finalise(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#pullResult(readRef(ctx.providerRef).sessionId);
  }

  checkOrder(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#pullResult(readRef(ctx.providerRef).sessionId);
  }

  async handleCallback(ctx: ProviderCallbackContext): Promise<CallbackResult> {
    const parsed = Notification.safeParse(ctx.request.body);
    const signature = ctx.request.headers['x-toypay-signature'] ?? '';
    if (
      !parsed.success ||
      !isValidSignature(this.config.webhookSecret, parsed.data.event, parsed.data.session_id, signature)
    ) {
      throw new CardBindingError('CALLBACK_REJECTED', 'The ToyPay notification is not signed correctly');
    }
    const binding = await ctx.findBinding(parsed.data.session_id);
    const ok = { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'ok' };
    if (!binding) {
      // Not ours (or long gone): acknowledge, or ToyPay keeps sending it.
      this.deps.logger.warn(
        { provider: this.id, event: parsed.data.event },
        'notification for an unknown session',
      );
      return { response: ok };
    }
    // Even a signed notification only says "look": the status API is the one source of truth.
    const outcome = await this.#pullResult(parsed.data.session_id);
    return { response: ok, update: { bindingId: binding.bindingId, outcome } };
  }

  async removeCard(ctx: RemoveCardContext): Promise<void> {
    const response = await this.deps.http.request({
      method: 'POST',
      url: `${this.config.baseUrl}/v1/cards/${encodeURIComponent(ctx.card.token)}/delete`,
      headers: this.#auth(),
      form: {},
      safeToRetry: true,
    });
    readAnswer(Deleted, response, 'card deletion');
  }

  charge(ctx: ProviderChargeContext): Promise<ChargeOutcome> {
    return this.#charging.charge(ctx);
  }

  checkCharge(ctx: ProviderChargeStateContext): Promise<ChargeCheckOutcome> {
    return this.#charging.checkCharge(ctx);
  }

  refund(ctx: ProviderRefundContext): Promise<RefundOutcome> {
    return this.#charging.refund(ctx);
  }

  async #pullResult(sessionId: string): Promise<ProviderOutcome> {
    const response = await this.deps.http.request({
      method: 'GET',
      url: `${this.config.baseUrl}/v1/sessions/${encodeURIComponent(sessionId)}`,
      headers: this.#auth(),
      safeToRetry: true,
    });
    const session = readAnswer(SessionStatus, response, 'session status');
    switch (session.status) {
      case 'open':
        return { status: 'pending' };
      case 'succeeded':
        return { status: 'succeeded', card: toCardToken(session.card) };
      case 'declined':
        return { status: 'failed', error: declineFrom(session.decline_code) };
      case 'expired':
        return {
          status: 'failed',
          error: new CardBindingError('BINDING_EXPIRED', 'The ToyPay session expired', {
            providerCode: 'expired',
          }),
        };
    }
  }

  #auth(): Record<string, string> {
    return { authorization: `Bearer ${this.config.apiKey.reveal()}` };
  }
}
