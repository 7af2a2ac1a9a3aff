import {
  type CallbackResult,
  CardBindingError,
  type InitOutcome,
  type Logger,
  type ProviderCallbackContext,
  type ProviderContext,
  type ProviderInitContext,
  type ProviderOutcome,
  type RemoveCardContext,
} from '@cardbind/core';
import { assertSecureUrl } from '@cardbind/core/client';
import { z } from 'zod';
import type { ToyPayClient } from '../commands/toypay-client.js';
import type { ToyPayConfig } from '../config.js';
import { declineFrom } from '../errors/codes.js';
import { readRef } from '../ref.js';
import { isValidSignature } from '../wire/signature.js';
import { toCardToken } from './card-token.js';

const PROVIDER = 'toypay';

/** A notification as ToyPay posts it (form-encoded). */
const Notification = z.object({
  event: z.enum(['session.succeeded', 'session.declined', 'session.expired']),
  session_id: z.string().min(1),
});

const OK = { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'ok' };

/**
 * ToyPay's redirect flow: init opens a session and sends the customer to ToyPay's hosted page; the
 * result is always pulled from ToyPay's status API (on return, on a poll, or when a signed notification
 * says something happened), never taken from the return URL.
 */
export class ToyPayBinding {
  readonly #config: ToyPayConfig;
  readonly #client: ToyPayClient;
  readonly #logger: Logger;

  constructor(config: ToyPayConfig, client: ToyPayClient, logger: Logger) {
    this.#config = config;
    this.#client = client;
    this.#logger = logger;
  }

  async init(ctx: ProviderInitContext): Promise<InitOutcome> {
    const session = await this.#client.createSession({
      customerReference: ctx.customer.id,
      reference: ctx.bindingId,
      ...(ctx.returnUrl === undefined ? {} : { returnUrl: ctx.returnUrl }),
    });
    // The page URL comes from the network: the customer's card will be typed there.
    assertSecureUrl(session.hosted_page_url, { allowLoopbackHttp: this.#config.allowLoopbackHttp });
    return {
      status: 'requires_action',
      action: { type: 'redirect', url: session.hosted_page_url, method: 'GET' },
      providerRef: { sessionId: session.id },
      expiresAt: new Date(session.expires_at),
      lookupKeys: [session.id],
    };
  }

  /** A return or a poll: the status API decides. */
  check(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#pullResult(readRef(ctx.providerRef).sessionId);
  }

  async handleCallback(ctx: ProviderCallbackContext): Promise<CallbackResult> {
    const parsed = Notification.safeParse(ctx.request.body);
    const signature = ctx.request.headers['x-toypay-signature'] ?? '';
    if (
      !parsed.success ||
      !isValidSignature(this.#config.webhookSecret, parsed.data.event, parsed.data.session_id, signature)
    ) {
      throw new CardBindingError('CALLBACK_REJECTED', 'The ToyPay notification is not signed correctly');
    }
    const binding = await ctx.findBinding(parsed.data.session_id);
    if (!binding) {
      // Not ours (or long gone): acknowledge, or ToyPay keeps sending it.
      this.#logger.warn(
        { provider: PROVIDER, event: parsed.data.event },
        'notification for an unknown session',
      );
      return { response: OK };
    }
    // Even a signed notification only says "look": the status API is the one source of truth.
    const outcome = await this.#pullResult(parsed.data.session_id);
    return { response: OK, update: { bindingId: binding.bindingId, outcome } };
  }

  async removeCard(ctx: RemoveCardContext): Promise<void> {
    await this.#client.deleteCard(ctx.card.token);
  }

  async #pullResult(sessionId: string): Promise<ProviderOutcome> {
    const session = await this.#client.getSession(sessionId);
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
}
