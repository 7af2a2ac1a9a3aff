import {
  type CallbackResponse,
  type CallbackResult,
  CardBindingError,
  type FormParam,
  type InitOutcome,
  isTerminal,
  type Logger,
  type ProviderCallbackContext,
  type ProviderContext,
  type ProviderInitContext,
  type ProviderOutcome,
} from '@cardbind/core';
import type { PayOnlineClient } from '../commands/payonline-client.js';
import type { PayOnlineConfig } from '../config.js';
import { declineMessage, errorForCodes } from '../errors/codes.js';
import { parseRef, type PayOnlineRef } from '../ref.js';
import { endpoint } from '../wire/endpoints.js';
import { type AuthParamsInput, authParamsBuilder } from '../wire/form-params.js';
import type { FoundPayment } from '../wire/search-answer.js';
import {
  assertCallbackFresh,
  callbackDigest,
  cardOfNotification,
  displayOfNotification,
  isFailureNotification,
  type Notification,
  requestFields,
  UNKNOWN_PAN,
  verifyNotification,
} from './notification.js';
import { orderIdFor } from './order-id.js';
import { anchorContext, openAnchor, sealAnchor } from './sealed-anchor.js';
import {
  autoSubmitResponse,
  messageResponse,
  orderOfTermUrl,
  parseMerchantData,
  parsePaRes,
  termUrlBuilder,
  threeDsCompletionForm,
  threeDsReturnDigest,
} from './three-ds.js';

const ACKNOWLEDGED: CallbackResponse = {
  status: 200,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: 'OK',
};

/**
 * PayOnline's form-params flow: `init` hands the app a signed Auth form and the app posts the card
 * straight to PayOnline; the outcome arrives by the server-to-server callback (verified), by a 3-D
 * Secure return to the term_url, or is pulled with Search. Stateless apart from its configuration:
 * it remembers orders in providerRef.
 */
export class PayOnlineBinding {
  readonly #config: PayOnlineConfig;
  readonly #client: PayOnlineClient;
  readonly #logger: Logger;
  readonly #authUrl: string;
  readonly #termUrlFor: (orderId: string) => string;
  readonly #authParams: (input: AuthParamsInput) => FormParam[];

  constructor(config: PayOnlineConfig, client: PayOnlineClient, logger: Logger) {
    this.#config = config;
    this.#client = client;
    this.#logger = logger;
    this.#authUrl = endpoint(config, 'auth');
    this.#termUrlFor = termUrlBuilder(config);
    this.#authParams = authParamsBuilder(config);
  }

  /**
   * A fresh order per binding and the Auth form the app posts to PayOnline itself; nothing goes on the
   * wire here. The order id, the term_url's token and the SecurityKey are the only per-binding work.
   */
  async init(ctx: ProviderInitContext): Promise<InitOutcome> {
    const config = this.#config;
    const orderId = orderIdFor(ctx.bindingId);
    const ref: PayOnlineRef = { orderId };
    return {
      status: 'requires_action',
      action: {
        type: 'form',
        url: this.#authUrl,
        method: 'POST',
        processor: config.processor,
        orderId,
        termUrl: this.#termUrlFor(orderId),
        params: this.#authParams({ orderId, ip: ctx.customer.ip }),
      },
      providerRef: ref,
      lookupKeys: [orderId],
      expiresAt: new Date(ctx.now.getTime() + config.orderDeadlineMs),
    };
  }

  /**
   * A poll, or the app came back (with what PayOnline answered it, for hosts that pass it on as `query`). Its report
   * is never read: a customer's app could report any token and card. Coming back only makes the
   * service ask Search now, and a binding whose customer returned is `processing` (core's rule); the
   * card is saved by PayOnline's signed callback, or by PayOnline's own 3-DS answer to the host.
   */
  async check(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#outcomeFromSearch(parseRef(ctx.providerRef));
  }

  async handleCallback(ctx: ProviderCallbackContext): Promise<CallbackResult> {
    const fields = requestFields(ctx.request);
    if (fields.has('pares') || fields.has('md')) return this.#threeDsReturn(ctx, fields);
    if (fields.has('securitykey')) return this.#notification(ctx, fields);
    throw new CardBindingError('CALLBACK_REJECTED', 'Neither a PayOnline callback nor a 3-D Secure return');
  }

  /** The anchor PayOnline's 3-DS answer gave the host, unsealed for the transaction it belongs to. */
  #openAnchor(ref: PayOnlineRef): { transactionId: string; rebillAnchor: string } | undefined {
    const held = ref.threeDsAnchor;
    if (!held) return undefined;
    const context = anchorContext(ref.orderId, held.transactionId);
    const rebillAnchor = openAnchor(this.#config.privateSecurityKey, context, held.sealed);
    return rebillAnchor === undefined ? undefined : { transactionId: held.transactionId, rebillAnchor };
  }

  async #outcomeFromSearch(ref: PayOnlineRef): Promise<ProviderOutcome> {
    const payments = await this.#client.search(ref.orderId);
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
    const result = await this.#client.completeThreeDs(form);
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
