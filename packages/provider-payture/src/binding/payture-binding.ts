import {
  type CallbackResponse,
  type CallbackResult,
  CardBindingError,
  type InitOutcome,
  isTerminal,
  type Logger,
  type ProviderCallbackContext,
  type ProviderContext,
  type ProviderInitContext,
  type ProviderOutcome,
  type RemoveCardContext,
} from '@cardbind/core';
import type { PaytureClient } from '../commands/payture-client.js';
import { type CustomerCredentials, customerCredentials } from '../commands/customer-credentials.js';
import { isSecureUrl, type PaytureConfig } from '../config.js';
import { paytureError } from '../errors/codes.js';
import { cardFingerprint, parseRef, type PaytureRef, toProviderRef } from '../ref.js';
import { toCardToken } from './card-token.js';
import { isAddNotification, PaytureNotification } from './notification.js';
import { paytureReturnUrl } from './return-url.js';
import { type CardSelection, selectCardToSave } from './select-card-to-save.js';

const PROVIDER = 'payture';

const OK: CallbackResponse = {
  status: 200,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: 'OK',
};

/**
 * Binding a card through Payture's hosted Add page: Check → Register → GetList (cards before) →
 * Init(Add), then GetList decides on every return, poll and notification. A binding succeeds only on
 * a card GetList shows, and fails only on the session's end as this service knows it (its lifetime)
 * or the customer's own return with `success=False` — never on the return URL's `success=True` or an
 * (unsigned) notification alone.
 */
export class PaytureBinding {
  readonly #config: PaytureConfig;
  readonly #client: PaytureClient;
  readonly #logger: Logger;

  constructor(config: PaytureConfig, client: PaytureClient, logger: Logger) {
    this.#config = config;
    this.#client = client;
    this.#logger = logger;
  }

  /** Check → Register → GetList (cards before) → Init(Add) → redirect to the hosted Add page. */
  async init(ctx: ProviderInitContext): Promise<InitOutcome> {
    const credentials = customerCredentials(this.#config.customerCredentials, ctx.customer.id);
    const ip = ctx.customer.ip ?? this.#config.defaultCustomerIp;
    if (ip === undefined) {
      throw new CardBindingError(
        'CONFIG_INVALID',
        "Payture needs the customer's IP: pass customer.ip or configure defaultCustomerIp",
        { field: 'customer.ip' },
      );
    }
    const returnUrl = ctx.returnUrl ?? this.#config.returnUrl;
    if (returnUrl !== undefined && !isSecureUrl(returnUrl, this.#config.allowLoopbackHttp)) {
      throw new CardBindingError('INSECURE_URL', 'The return URL must use https', { field: 'returnUrl' });
    }

    await this.#client.ensureCustomer(credentials, {
      ...(ctx.customer.phone === undefined ? {} : { phone: ctx.customer.phone }),
      ...(ctx.customer.email === undefined ? {} : { email: ctx.customer.email }),
    });
    const before = await this.#client.getList(credentials);
    const verification = this.#config.verificationAmount;
    const session = await this.#client.initAddSession({
      credentials,
      ip,
      ...(returnUrl === undefined ? {} : { url: paytureReturnUrl(returnUrl, ctx.bindingId) }),
      ...(this.#config.templateTag === undefined ? {} : { templateTag: this.#config.templateTag }),
      ...(this.#config.language === undefined ? {} : { language: this.#config.language }),
      // A verification hold is an order at Payture: the binding id names it.
      ...(verification === undefined ? {} : { orderId: ctx.bindingId, amount: verification }),
    });

    const lifetimeMinutes = session.sessionLifetimeMinutes ?? this.#config.sessionLifetimeMinutes;
    const orderId = session.orderId ?? (verification === undefined ? undefined : ctx.bindingId);
    const ref: PaytureRef = {
      login: credentials.login,
      sessionId: session.sessionId,
      cardsBeforeInit: before.cards.map((card) => cardFingerprint(card.cardId)),
      ...(orderId === undefined ? {} : { orderId }),
    };
    return {
      status: 'requires_action',
      action: {
        type: 'redirect',
        url: `${this.#config.baseUrl}/vwapi/Add?SessionId=${encodeURIComponent(session.sessionId)}`,
        method: 'GET',
      },
      providerRef: toProviderRef(ref),
      lookupKeys: [session.sessionId],
      expiresAt: new Date(ctx.now.getTime() + lifetimeMinutes * 60_000),
    };
  }

  /**
   * A return or a poll: GetList decides, and only a card new since the binding began counts. The
   * return URL's `success` is a claim: `False` may end a binding without a new card; `True` never makes
   * one succeed, nor lets a card the customer already had be saved (it can be typed before the page was
   * even opened).
   */
  async check(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#resolve(ctx, parseRef(ctx.providerRef), {});
  }

  /**
   * CustomerAddSuccess / CustomerAddFail notifications. They are unsigned, so each is only a hint:
   * the binding is found by SessionId and GetList is asked before anything changes. Payture retries
   * any answer but 200, so everything that is not a passing failure of ours is answered `OK` at once —
   * including notifications for sessions this service does not know (another system on the same
   * terminal would otherwise be retried forever) and duplicates (the binding is already settled).
   */
  async handleCallback(ctx: ProviderCallbackContext): Promise<CallbackResult> {
    const parsed = PaytureNotification.safeParse({ ...ctx.request.query, ...ctx.request.body });
    if (!parsed.success || !isAddNotification(parsed.data)) {
      this.#logger.info(
        { provider: PROVIDER, event: 'payture.notification_ignored' },
        'not a card-add notification',
      );
      return { response: OK };
    }
    const notification = parsed.data;
    const binding =
      notification.SessionId === undefined ? undefined : await ctx.findBinding(notification.SessionId);
    if (!binding) {
      this.#logger.info(
        {
          provider: PROVIDER,
          event: 'payture.notification_ignored',
          notification: notification.Notification,
        },
        'notification for an unknown session',
      );
      return { response: OK };
    }
    const ref = parseRef(binding.providerRef);
    if (notification.VWUserLgn !== undefined && notification.VWUserLgn !== ref.login) {
      this.#logger.warn(
        { provider: PROVIDER, event: 'payture.notification_mismatch', bindingId: binding.bindingId },
        'notification names another customer than its session; ignored',
      );
      return { response: OK };
    }
    if (isTerminal(binding.status)) return { response: OK };

    if (notification.Notification === 'CustomerAddSuccess') {
      const outcome = await this.#resolve(
        binding,
        ref,
        notification.CardId === undefined ? {} : { notifiedCardId: notification.CardId },
      );
      return { response: OK, update: { bindingId: binding.bindingId, outcome } };
    }

    // CustomerAddFail. A card GetList shows wins. Otherwise the claim cannot be confirmed: an absent
    // card proves nothing while the page is open, and Payture documents no command that reports an Add
    // session's state by SessionId (GetState reports a payment by OrderId; no source says it tells one
    // refused attempt from a closed session). So even a session-closing code (LIMIT_EXCHAUST,
    // ORDER_TIME_OUT, CANCELED_BY_CLIENT) — anyone who learnt the SessionId can forge one — never ends
    // the binding here: the code is only remembered, and reported if the customer comes back with
    // success=False or the session's lifetime ends without a card.
    const code = notification.ErrCode;
    const remembered = code === undefined ? ref : { ...ref, lastFailureCode: code };
    const outcome = await this.#resolve(binding, remembered, {});
    if (outcome.status !== 'pending') {
      return { response: OK, update: { bindingId: binding.bindingId, outcome } };
    }
    if (code === undefined) return { response: OK };
    return {
      response: OK,
      update: {
        bindingId: binding.bindingId,
        outcome: { status: 'pending', providerRef: { lastFailureCode: code } },
      },
    };
  }

  /** Remove at Payture; a card Payture no longer knows is already removed. */
  async removeCard(ctx: RemoveCardContext): Promise<void> {
    const credentials = customerCredentials(this.#config.customerCredentials, ctx.customer.id);
    const result = await this.#client.remove(credentials, ctx.card.token);
    if (result === 'already_gone') {
      this.#logger.info(
        { provider: PROVIDER, event: 'payture.card_already_removed', savedCardId: ctx.card.id },
        'Payture no longer had the card',
      );
    }
  }

  async #resolve(
    ctx: ProviderContext,
    ref: PaytureRef,
    evidence: Pick<CardSelection, 'notifiedCardId'>,
  ): Promise<ProviderOutcome> {
    const credentials = this.#credentialsFor(ctx, ref);
    const { cards } = await this.#client.getList(credentials);
    const card = selectCardToSave(cards, { knownBefore: new Set(ref.cardsBeforeInit), ...evidence });
    if (card) return { status: 'succeeded', card: toCardToken(card) };
    if (ctx.now.getTime() >= ctx.expiresAt.getTime()) {
      const failure = lastFailure(ref);
      if (failure) return { status: 'failed', error: failure };
      // A card was added that cannot be saved, or the customer came back too late: say why it failed.
      // Otherwise nothing new reached the wallet: pending, and core expires the binding with the session.
      const knownBefore = new Set(ref.cardsBeforeInit);
      const addedIneligible = cards.some((listed) => !knownBefore.has(cardFingerprint(listed.cardId)));
      if (addedIneligible || ctx.trigger === 'return') {
        return {
          status: 'failed',
          error: noEligibleCard('The Payture session ended without a card that can be saved'),
        };
      }
      return { status: 'pending' };
    }
    if (ctx.trigger === 'return' && returnSaysFailure(ctx)) {
      return {
        status: 'failed',
        error: lastFailure(ref) ?? noEligibleCard('The customer came back from Payture without a card'),
      };
    }
    return { status: 'pending' };
  }

  /** The login used at init (the template may have changed since) with the password derived again. */
  #credentialsFor(ctx: ProviderContext, ref: PaytureRef): CustomerCredentials {
    const derived = customerCredentials(this.#config.customerCredentials, ctx.customer.id);
    return { login: ref.login, password: derived.password };
  }
}

/**
 * The return URL says `success=False`. It may end a binding that GetList shows without a new card —
 * only someone holding the binding id (the customer) can forge the return, and forging it costs them
 * just this binding — but a `True` never makes one succeed.
 */
function returnSaysFailure(ctx: ProviderContext): boolean {
  return ctx.query?.['success']?.toLowerCase() === 'false';
}

/** The failure a CustomerAddFail reported earlier in this session, if any. */
function lastFailure(ref: PaytureRef): CardBindingError | undefined {
  return ref.lastFailureCode === undefined ? undefined : paytureError(ref.lastFailureCode, 'Add');
}

function noEligibleCard(message: string): CardBindingError {
  return new CardBindingError('NO_ELIGIBLE_CARD', message, { retryable: false });
}
