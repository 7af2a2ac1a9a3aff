import {
  type CallbackResponse,
  type CallbackResult,
  CardBindingError,
  type CardBindingProvider,
  type Clock,
  createHttpClient,
  type HttpClient,
  isTerminal,
  type Logger,
  type ProviderCallbackContext,
  type ProviderContext,
  type ProviderInitContext,
  type ProviderOutcome,
  type SavedCard,
  toCardBindingError,
} from '@cardbind/core';
import { z } from 'zod';
import { Digits } from './answer.js';
import {
  cardOfNotification,
  isFailureNotification,
  requestFields,
  safeMaskedPan,
  UNKNOWN_PAN,
  verifyNotification,
} from './callback.js';
import { declineMessage, errorForCodes } from './codes.js';
import { endpoint, ENDPOINTS, type PayOnlineConfig } from './config.js';
import { buildAuthParams } from './form-params.js';
import { ORDER_ID_PATTERN, orderIdFor } from './order-id.js';
import { PayOnlineRef } from './ref.js';
import { type FoundPayment, searchOrder } from './search.js';
import {
  autoSubmitResponse,
  completeThreeDsOnServer,
  messageResponse,
  parseMerchantData,
  parsePaRes,
  TERM_URL_ORDER_PARAM,
  termUrlFor,
  threeDsCompletionForm,
} from './three-ds.js';
import { voidTransaction } from './void.js';

export const PAYONLINE_PROVIDER_ID = 'payonline';

/**
 * What the app may report to the host after PayOnline accepted its request (`finalise(id, { query })`).
 * The anchor is used only once Search confirms a successful payment with that TransactionId.
 */
export const AppReport = z.object({
  transactionId: Digits.optional(),
  rebillAnchor: z.string().min(1).max(200).optional(),
  maskedPan: z.string().max(32).optional(),
});
export type AppReport = z.infer<typeof AppReport>;

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
}

/**
 * PayOnline's form-params flow. The app posts the card straight to PayOnline with the params `init`
 * returns; the outcome arrives by the server-to-server callback (verified), by a 3-D Secure return, or
 * is pulled with Search. Stateless apart from its configuration: it remembers orders in providerRef.
 */
export class PayOnlineProvider implements CardBindingProvider {
  readonly id = PAYONLINE_PROVIDER_ID;
  readonly #config: PayOnlineConfig;
  readonly #http: HttpClient;
  readonly #logger: Logger;
  readonly #clock: Clock;

  constructor(config: PayOnlineConfig, dependencies: PayOnlineProviderDependencies) {
    this.#config = config;
    this.#logger = dependencies.logger;
    this.#clock = dependencies.clock;
    this.#http =
      dependencies.http ??
      createHttpClient({
        name: PAYONLINE_PROVIDER_ID,
        timeouts: config.timeouts,
        retries: config.retries,
        logger: dependencies.logger,
      });
  }

  async init(ctx: ProviderInitContext): Promise<ProviderOutcome> {
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
    return this.#outcomeFromSearch(readRef(ctx.providerRef));
  }

  /**
   * The app came back with what PayOnline answered it (`transactionId`, `rebillAnchor`, `maskedPan`).
   * Its claims are remembered but believed only when Search confirms that transaction for this order.
   */
  async finalise(ctx: ProviderContext): Promise<ProviderOutcome> {
    const ref = readRef(ctx.providerRef);
    const report = AppReport.safeParse(ctx.query ?? {});
    if (
      !report.success ||
      report.data.transactionId === undefined ||
      report.data.rebillAnchor === undefined
    ) {
      return this.#outcomeFromSearch(ref);
    }
    const claimed = {
      rebillAnchor: report.data.rebillAnchor,
      anchorTransactionId: report.data.transactionId,
      ...(report.data.maskedPan === undefined ? {} : { maskedPan: safeMaskedPan(report.data.maskedPan) }),
    };
    const outcome = await this.#outcomeFromSearch({ ...ref, ...claimed });
    if (outcome.status === 'pending')
      return { ...outcome, providerRef: { ...outcome.providerRef, ...claimed } };
    return outcome;
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

  async #voidVerificationPayment(ctx: ProviderContext, transactionId: string): Promise<void> {
    const { attempts, initialDelayMs } = this.#config.voidRetry;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await voidTransaction(this.#http, this.#config, transactionId);
        this.#logger.info(
          { event: 'payonline.voided', bindingId: ctx.bindingId, transactionId, attempt },
          'verification payment voided',
        );
        return;
      } catch (error) {
        const failure = toCardBindingError(error);
        this.#logger.warn(
          {
            event: 'payonline.void_failed',
            bindingId: ctx.bindingId,
            transactionId,
            attempt,
            code: failure.code,
            providerCode: failure.providerCode,
          },
          'voiding the verification payment failed',
        );
        if (attempt < attempts) await this.#clock.sleep(initialDelayMs * 2 ** (attempt - 1));
      }
    }
    this.#logger.error(
      { event: 'payonline.void_abandoned', bindingId: ctx.bindingId, transactionId, attempts },
      'the verification payment could not be voided; void or refund it by hand',
    );
  }

  // ---------------------------------------------------------------------------------------------

  async #outcomeFromSearch(ref: PayOnlineRef): Promise<ProviderOutcome> {
    const payments = await searchOrder(this.#http, this.#config, ref.orderId);
    const confirmed = findPayment(payments, ref.anchorTransactionId);
    if (confirmed && ref.rebillAnchor !== undefined) {
      return {
        status: 'succeeded',
        card: { token: ref.rebillAnchor, display: { maskedPan: ref.maskedPan ?? UNKNOWN_PAN } },
        ...(ref.transactionId === confirmed.transactionId
          ? {}
          : { providerRef: { transactionId: confirmed.transactionId } }),
      };
    }
    const payment = findPayment(payments, ref.transactionId) ?? payments[0];
    if (!payment) return { status: 'pending' };
    // Paid, but the card token comes only with the callback (or a report Search can confirm).
    return {
      status: 'pending',
      processing: true,
      ...(payment.transactionId === ref.transactionId
        ? {}
        : { providerRef: { transactionId: payment.transactionId } }),
    };
  }

  async #threeDsReturn(
    ctx: ProviderCallbackContext,
    fields: ReadonlyMap<string, string>,
  ): Promise<CallbackResult> {
    const orderId = ctx.request.query[TERM_URL_ORDER_PARAM];
    if (orderId === undefined || !ORDER_ID_PATTERN.test(orderId)) {
      throw rejected('The 3-D Secure return names no order');
    }
    const md = parseMerchantData(fields.get('md') ?? '');
    const paRes = parsePaRes(fields.get('pares') ?? '');
    if (!md || !paRes) throw rejected('The 3-D Secure return carries a malformed MD or PaRes');
    const binding = await ctx.findBinding(orderId);
    if (!binding) throw rejected('The 3-D Secure return names an unknown order');
    const ref = readRef(binding.providerRef);
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
    const transactionRef = { transactionId: md.transactionId };
    if (this.#config.threeDsMode === 'browser-form') {
      return {
        response: autoSubmitResponse(form),
        update: {
          bindingId: binding.bindingId,
          outcome: { status: 'pending', processing: true, providerRef: transactionRef },
        },
      };
    }
    const result = await completeThreeDsOnServer(this.#http, form);
    if (result.kind === 'accepted') {
      return {
        response: messageResponse('Card verified', 'Your card was verified. You can return to the app.'),
        update: {
          bindingId: binding.bindingId,
          outcome: {
            status: 'pending',
            processing: true,
            providerRef: {
              ...transactionRef,
              ...(result.rebillAnchor === undefined
                ? {}
                : { rebillAnchor: result.rebillAnchor, anchorTransactionId: result.transactionId }),
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

  async #notification(
    ctx: ProviderCallbackContext,
    fields: ReadonlyMap<string, string>,
  ): Promise<CallbackResult> {
    const notification = verifyNotification(fields, this.#config.privateSecurityKey);
    const binding = await ctx.findBinding(notification.orderId);
    if (!binding) {
      // Genuine, but not a binding's order (a later rebill charge, another system on this merchant).
      this.#logger.info(
        { event: 'payonline.callback_other_order', transactionId: notification.transactionId },
        'verified PayOnline callback for an order that is not a card binding',
      );
      return { response: ACKNOWLEDGED };
    }
    const providerRef = { transactionId: notification.transactionId };
    if (isFailureNotification(notification)) {
      const error = errorForCodes({ code: notification.code, errorCode: notification.errorCode });
      return {
        response: ACKNOWLEDGED,
        update: { bindingId: binding.bindingId, outcome: { status: 'failed', error, providerRef } },
      };
    }
    const card = cardOfNotification(notification);
    if (card) {
      return {
        response: ACKNOWLEDGED,
        update: { bindingId: binding.bindingId, outcome: { status: 'succeeded', card, providerRef } },
      };
    }
    this.#logger.warn(
      { event: 'payonline.callback_without_anchor', bindingId: binding.bindingId },
      'PayOnline reported a payment without RebillAnchor (is recurring enabled and the callback URL https?)',
    );
    return {
      response: ACKNOWLEDGED,
      update: { bindingId: binding.bindingId, outcome: { status: 'pending', processing: true, providerRef } },
    };
  }
}

function rejected(message: string): CardBindingError {
  return new CardBindingError('CALLBACK_REJECTED', message);
}

function readRef(value: unknown): PayOnlineRef {
  const parsed = PayOnlineRef.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new CardBindingError('PROVIDER_UNAVAILABLE', 'The stored PayOnline order reference is unreadable', {
    retryable: false,
  });
}

function findPayment(payments: readonly FoundPayment[], transactionId: string | undefined) {
  return transactionId === undefined
    ? undefined
    : payments.find((payment) => payment.transactionId === transactionId);
}
