import {
  type CallbackResponse,
  type CallbackResult,
  CardBindingError,
  type CardBindingProvider,
  type ChargeCheckOutcome,
  type ChargeOutcome,
  type Clock,
  createHttpClient,
  type HttpClient,
  isTerminal,
  type Logger,
  type Redactor,
  type ProviderCallbackContext,
  type ProviderChargeContext,
  type ProviderChargeStateContext,
  type ProviderContext,
  type ProviderRefundContext,
  type RefundCheckOutcome,
  type RefundOutcome,
  type ProviderInitContext,
  type InitOutcome,
  type ProviderOutcome,
  type SavedCard,
  toCardBindingError,
} from '@cardbind/core';
import {
  assertCallbackFresh,
  callbackDigest,
  cardOfNotification,
  isFailureNotification,
  type Notification,
  requestFields,
  UNKNOWN_PAN,
  displayOfNotification,
  verifyNotification,
} from './callback.js';
import { declineMessage, errorForCodes } from './codes.js';
import { endpoint, ENDPOINTS, type PayOnlineConfig } from './config.js';
import { buildAuthParams } from './form-params.js';
import { orderIdFor } from './order-id.js';
import { PayOnlineCharging } from './payonline-charging.js';
import { anchorContext, openAnchor, sealAnchor } from './sealed-anchor.js';
import { parseRef, PayOnlineRef } from './ref.js';
import { type FoundPayment, searchOrder } from './search.js';
import {
  autoSubmitResponse,
  completeThreeDsOnServer,
  messageResponse,
  orderOfTermUrl,
  parseMerchantData,
  parsePaRes,
  termUrlFor,
  threeDsCompletionForm,
  threeDsReturnDigest,
} from './three-ds.js';
import { voidTransaction } from './void.js';

export const PAYONLINE_PROVIDER_ID = 'payonline';

const ACKNOWLEDGED: CallbackResponse = {
  status: 200,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: 'OK',
};

export interface PayOnlineProviderDependencies {
  logger: Logger;
  clock: Clock;
  /** Defaults to a got client named `payonline` with the configured timeouts. */
  http?: HttpClient;
  /** The container's redaction, for transcripts and error causes (`ProviderDependencies.redactor`). */
  redactor?: Redactor;
}

/**
 * PayOnline's form-params flow. The app posts the card straight to PayOnline with the params `init`
 * returns; the outcome arrives by the server-to-server callback (verified), by a 3-D Secure return, or
 * is pulled with Search. Stateless apart from its configuration: it remembers orders in providerRef.
 * Charging the saved card (Rebill, Search, Void, Refund) lives in payonline-charging.ts.
 */
export class PayOnlineProvider implements CardBindingProvider {
  readonly id = PAYONLINE_PROVIDER_ID;
  readonly #config: PayOnlineConfig;
  readonly #http: HttpClient;
  readonly #logger: Logger;
  readonly #charging: PayOnlineCharging;

  constructor(config: PayOnlineConfig, dependencies: PayOnlineProviderDependencies) {
    this.#config = config;
    this.#logger = dependencies.logger;
    this.#http =
      dependencies.http ??
      createHttpClient({
        name: PAYONLINE_PROVIDER_ID,
        timeouts: config.timeouts,
        retries: config.retries,
        logger: dependencies.logger,
        ...(dependencies.redactor === undefined ? {} : { redactor: dependencies.redactor }),
      });
    this.#charging = new PayOnlineCharging(config, this.#http, this.#logger);
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

  checkRefund(ctx: ProviderRefundContext): Promise<RefundCheckOutcome> {
    return this.#charging.checkRefund(ctx);
  }

  async init(ctx: ProviderInitContext): Promise<InitOutcome> {
    const config = this.#config;
    const orderId = orderIdFor(ctx.bindingId);
    const ref: PayOnlineRef = { orderId };
    return {
      status: 'requires_action',
      action: {
        type: 'form',
        url: endpoint(config, ENDPOINTS.auth),
        method: 'POST',
        processor: config.processor,
        orderId,
        termUrl: termUrlFor(config, orderId),
        params: buildAuthParams(config, { orderId, ip: ctx.customer.ip }),
      },
      providerRef: ref,
      lookupKeys: [orderId],
      expiresAt: new Date(ctx.now.getTime() + config.orderDeadlineMs),
    };
  }

  async checkOrder(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#outcomeFromSearch(parseRef(ctx.providerRef));
  }

  /**
   * The app came back (with what PayOnline answered it, for hosts that pass it on as `query`). Its report
   * is never read: a customer's app could report any token and card. Coming back only makes the
   * service ask Search now, and a binding whose customer returned is `processing` (core's rule); the
   * card is saved by PayOnline's signed callback, or by PayOnline's own 3-DS answer to the host.
   */
  async finalise(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#outcomeFromSearch(parseRef(ctx.providerRef));
  }

  async handleCallback(ctx: ProviderCallbackContext): Promise<CallbackResult> {
    const fields = requestFields(ctx.request);
    if (fields.has('pares') || fields.has('md')) return this.#threeDsReturn(ctx, fields);
    if (fields.has('securitykey')) return this.#notification(ctx, fields);
    throw new CardBindingError('CALLBACK_REJECTED', 'Neither a PayOnline callback nor a 3-D Secure return');
  }

  /** Voids the verification payment, retrying with backoff; never fails the binding. */
  async afterSuccess(ctx: ProviderContext & { readonly card: SavedCard }): Promise<void> {
    if (this.#config.afterBinding === 'keep') return;
    const ref = PayOnlineRef.safeParse(ctx.providerRef);
    const transactionId = ref.success ? ref.data.transactionId : undefined;
    if (transactionId === undefined) {
      this.#logger.warn(
        { event: 'payonline.void_skipped', bindingId: ctx.bindingId },
        'no TransactionId known: the verification payment was not voided',
      );
      return;
    }
    await this.#voidVerificationPayment(ctx, transactionId);
  }

  /**
   * A binding can fail or expire after PayOnline took the verification payment (the payment went
   * through but no card token arrived before the deadline): that money must not stay on hold. Search
   * lists only successful payments, so whatever it finds for the order is released.
   */
  async afterFailure(ctx: ProviderContext): Promise<void> {
    const ref = PayOnlineRef.safeParse(ctx.providerRef);
    if (!ref.success) return;
    const payments = await searchOrder(this.#http, this.#config, ref.data.orderId);
    for (const payment of payments) {
      if (this.#config.afterBinding === 'keep') {
        this.#logger.warn(
          {
            event: 'payonline.payment_of_failed_binding',
            bindingId: ctx.bindingId,
            transactionId: payment.transactionId,
          },
          'the binding failed but PayOnline took the verification payment: credit or refund it',
        );
      } else {
        await this.#voidVerificationPayment(ctx, payment.transactionId);
      }
    }
  }

  /**
   * One void attempt; core's background work retries a failure with backoff until the 24-hour window
   * PayOnline allows is nearly over, and lists it for an operator after that. Repeating a void is
   * harmless: when PayOnline refuses one, Search tells whether the payment is still held (Search lists
   * only successful payments); one it no longer lists was already voided (by an attempt whose answer
   * was lost, or before a crash) or never went through, and counts as done.
   */
  async #voidVerificationPayment(ctx: ProviderContext, transactionId: string): Promise<void> {
    try {
      await voidTransaction(this.#http, this.#config, transactionId);
      this.#logger.info(
        { event: 'payonline.voided', bindingId: ctx.bindingId, transactionId },
        'verification payment voided',
      );
      return;
    } catch (error) {
      const failure = toCardBindingError(error);
      if (failure.providerCode === 'VOID_ERROR' && !(await this.#stillHeld(ctx, transactionId))) {
        this.#logger.info(
          { event: 'payonline.void_already_done', bindingId: ctx.bindingId, transactionId },
          'the verification payment is no longer held: nothing to void',
        );
        return;
      }
      this.#logger.warn(
        {
          event: 'payonline.void_failed',
          bindingId: ctx.bindingId,
          transactionId,
          code: failure.code,
          providerCode: failure.providerCode,
          retryable: failure.retryable,
        },
        failure.retryable
          ? 'voiding the verification payment failed; it will be tried again'
          : 'PayOnline refused to void a payment it still holds: void or refund it by hand',
      );
      throw failure;
    }
  }

  /** Whether Search still lists the transaction as a successful payment of this binding's order. */
  async #stillHeld(ctx: ProviderContext, transactionId: string): Promise<boolean> {
    const ref = PayOnlineRef.safeParse(ctx.providerRef);
    if (!ref.success) return true;
    const payments = await searchOrder(this.#http, this.#config, ref.data.orderId);
    return payments.some((payment) => payment.transactionId === transactionId);
  }

  // ---------------------------------------------------------------------------------------------

  /** The anchor PayOnline's 3-DS answer gave the host, unsealed for the transaction it belongs to. */
  #openAnchor(ref: PayOnlineRef): { transactionId: string; rebillAnchor: string } | undefined {
    const held = ref.threeDsAnchor;
    if (!held) return undefined;
    const context = anchorContext(ref.orderId, held.transactionId);
    const rebillAnchor = openAnchor(this.#config.privateSecurityKey, context, held.sealed);
    return rebillAnchor === undefined ? undefined : { transactionId: held.transactionId, rebillAnchor };
  }

  async #outcomeFromSearch(ref: PayOnlineRef): Promise<ProviderOutcome> {
    const payments = await searchOrder(this.#http, this.#config, ref.orderId);
    const anchor = this.#openAnchor(ref);
    const confirmed = findPayment(payments, anchor?.transactionId);
    if (confirmed && anchor) {
      // The anchor is PayOnline's own answer to the host; the display, if its verified callback came first.
      return {
        status: 'succeeded',
        card: { token: anchor.rebillAnchor, display: ref.callbackDisplay ?? { maskedPan: UNKNOWN_PAN } },
        ...(ref.transactionId === confirmed.transactionId
          ? {}
          : { providerRef: { transactionId: confirmed.transactionId } }),
      };
    }
    const payment = findPayment(payments, ref.transactionId) ?? payments[0];
    if (!payment) return { status: 'pending' };
    // Paid, but the card token comes only with the callback (or PayOnline's 3-DS answer to the host).
    return {
      status: 'pending',
      processing: true,
      ...(payment.transactionId === ref.transactionId
        ? {}
        : { providerRef: { transactionId: payment.transactionId } }),
    };
  }

  /**
   * The bank's post to the term_url. Nothing is signed for PayOnline unless the URL carries the order's
   * token, and the order takes one bank return: a later post with another transaction or other 3-DS data
   * is refused, the same post again (a browser re-submitting the bank's form) is answered again.
   */
  async #threeDsReturn(
    ctx: ProviderCallbackContext,
    fields: ReadonlyMap<string, string>,
  ): Promise<CallbackResult> {
    const orderId = orderOfTermUrl(ctx.request.query, this.#config);
    const md = parseMerchantData(fields.get('md') ?? '');
    const paRes = parsePaRes(fields.get('pares') ?? '');
    if (!md || !paRes) throw rejected('The 3-D Secure return carries a malformed MD or PaRes');
    const binding = await ctx.findBinding(orderId);
    if (!binding) throw rejected('The 3-D Secure return names an unknown order');
    const ref = parseRef(binding.providerRef);
    const threeDsReturn = {
      transactionId: md.transactionId,
      digest: threeDsReturnDigest(this.#config, { ...md, paRes }),
    };
    const taken = ref.threeDsReturn;
    const repeated =
      taken !== undefined &&
      taken.transactionId === threeDsReturn.transactionId &&
      taken.digest === threeDsReturn.digest;
    if (taken !== undefined && !repeated) {
      throw rejected('The term_url already took another 3-D Secure return for this order');
    }
    if (ref.transactionId !== undefined && ref.transactionId !== md.transactionId) {
      throw rejected('The 3-D Secure return names another transaction than the order');
    }
    if (isTerminal(binding.status)) {
      return {
        response: messageResponse(
          'Card verification finished',
          'This card verification has already finished.',
        ),
      };
    }
    const form = threeDsCompletionForm(this.#config, { ...md, paRes });
    const transactionRef = { transactionId: md.transactionId, threeDsReturn };
    if (this.#config.threeDsMode === 'browser-form') {
      if (repeated) return { response: autoSubmitResponse(form) };
      return {
        response: autoSubmitResponse(form),
        update: {
          bindingId: binding.bindingId,
          outcome: { status: 'pending', processing: true, providerRef: transactionRef },
        },
      };
    }
    // Server mode, the same return again: PayOnline took the first one (a refusal would have ended the
    // binding), so it is not sent twice.
    if (repeated) return { response: verifiedPage() };
    const result = await completeThreeDsOnServer(this.#http, form);
    if (result.kind === 'accepted') {
      return {
        response: verifiedPage(),
        update: {
          bindingId: binding.bindingId,
          outcome: {
            status: 'pending',
            processing: true,
            providerRef: {
              ...transactionRef,
              // PayOnline's answer to the host's own request: a source as good as its signed callback.
              ...(result.rebillAnchor === undefined
                ? {}
                : {
                    threeDsAnchor: {
                      transactionId: result.transactionId,
                      sealed: sealAnchor(
                        this.#config.privateSecurityKey,
                        anchorContext(ref.orderId, result.transactionId),
                        result.rebillAnchor,
                      ),
                    },
                  }),
            },
          },
        },
      };
    }
    const codes =
      result.kind === 'declined' ? { code: result.code, errorCode: result.errorCode } : { code: '6001' };
    return {
      response: messageResponse('Card not verified', declineMessage(codes)),
      update: {
        bindingId: binding.bindingId,
        outcome: { status: 'failed', error: errorForCodes(codes), providerRef: transactionRef },
      },
    };
  }

  /**
   * PayOnline's server-to-server callback. Verified (signature, then the DateTime window) before anything
   * is looked up. The first verified callback for a binding decides it; PayOnline repeating itself is
   * acknowledged, and a later callback that says something else (the signature does not cover
   * RebillAnchor, CardNumber or Code, so a replay can change them) is logged and changes nothing.
   */
  async #notification(
    ctx: ProviderCallbackContext,
    fields: ReadonlyMap<string, string>,
  ): Promise<CallbackResult> {
    const notification = verifyNotification(fields, this.#config.privateSecurityKey);
    assertCallbackFresh(notification, ctx.now, this.#config.callbackWindow);
    const binding = await ctx.findBinding(notification.orderId);
    if (!binding) {
      // Genuine, but not a binding's order (a later rebill charge, another system on this merchant).
      this.#logger.info(
        { event: 'payonline.callback_other_order', transactionId: notification.transactionId },
        'verified PayOnline callback for an order that is not a card binding',
      );
      return { response: ACKNOWLEDGED };
    }
    const ref = parseRef(binding.providerRef);
    const callback = {
      transactionId: notification.transactionId,
      digest: callbackDigest(notification, this.#config.privateSecurityKey),
    };
    const first = ref.callback;
    if (first) {
      if (first.transactionId !== callback.transactionId || first.digest !== callback.digest) {
        this.#logger.warn(
          {
            event: 'payonline.callback_conflict',
            bindingId: binding.bindingId,
            orderId: notification.orderId,
            transactionId: notification.transactionId,
            firstTransactionId: first.transactionId,
          },
          'a verified PayOnline callback differs from the first one for this binding; it changes nothing',
        );
      }
      return { response: ACKNOWLEDGED };
    }
    return {
      response: ACKNOWLEDGED,
      update: {
        bindingId: binding.bindingId,
        outcome: this.#outcomeOfCallback(notification, ref, binding.bindingId, {
          transactionId: notification.transactionId,
          callback,
        }),
      },
    };
  }

  #outcomeOfCallback(
    notification: Notification,
    ref: PayOnlineRef,
    bindingId: string,
    providerRef: Pick<PayOnlineRef, 'transactionId' | 'callback'>,
  ): ProviderOutcome {
    if (isFailureNotification(notification)) {
      const error = errorForCodes({ code: notification.code, errorCode: notification.errorCode });
      return { status: 'failed', error, providerRef };
    }
    const card = cardOfNotification(notification, this.#openAnchor(ref));
    if (card) return { status: 'succeeded', card, providerRef };
    this.#logger.warn(
      { event: 'payonline.callback_without_anchor', bindingId },
      'PayOnline reported a payment without RebillAnchor (is recurring enabled and the callback URL https?)',
    );
    // Its display survives even when this verdict raced the term_url's write: the card saved later from
    // PayOnline's 3-DS answer to the host (Search confirming it) shows what PayOnline's callback said.
    return {
      status: 'pending',
      processing: true,
      providerRef: { ...providerRef, callbackDisplay: displayOfNotification(notification) },
    };
  }
}

/** Server mode's page once PayOnline accepted the 3-D Secure result. */
function verifiedPage(): CallbackResponse {
  return messageResponse('Card verified', 'Your card was verified. You can return to the app.');
}

function rejected(message: string): CardBindingError {
  return new CardBindingError('CALLBACK_REJECTED', message);
}

function findPayment(payments: readonly FoundPayment[], transactionId: string | undefined) {
  return transactionId === undefined
    ? undefined
    : payments.find((payment) => payment.transactionId === transactionId);
}
