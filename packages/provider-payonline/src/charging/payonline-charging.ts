import {
  CardBindingError,
  type ChargeCheckOutcome,
  type ChargeOutcome,
  type ChargingOperations,
  type Logger,
  type ProviderChargeContext,
  type ProviderChargeStateContext,
  type ProviderRefundContext,
  type RefundCheckOutcome,
  type RefundOutcome,
  toMajorString,
} from '@cardbind/core';
import type { PayOnlineClient } from '../commands/payonline-client.js';
import type { PayOnlineConfig } from '../config.js';
import { chargeDeclineError, retryAdviceFor } from '../errors/retry-advice.js';
import { parseChargeRef, type PayOnlineChargeRef, paymentRef } from '../ref.js';
import { parseChargeOptions } from './charge-options.js';
import { type ChargePayment, findChargePayment, routedMerchantOf } from './find-charge-payment.js';
import { interpretRebillAnswer, prepareRebill } from './rebill.js';
import { refundCharge } from './refund.js';
import { relayedRebillAction } from './relay.js';

/**
 * Charging a card PayOnline saved: Rebill on its RebillAnchor (or LitRes's relayed rebill), Search to
 * settle a charge whose answer was lost, Void or Refund to give the money back. One debit per charge:
 * the order id is fixed by core before `charge` runs, the Rebill is sent once, and PayOnline refuses a
 * second payment for the order (4016), which `charge` then reads from Search.
 */
export class PayOnlineCharging implements Pick<
  Required<ChargingOperations>,
  'charge' | 'checkCharge' | 'refund' | 'checkRefund'
> {
  readonly #config: PayOnlineConfig;
  readonly #client: PayOnlineClient;
  readonly #logger: Logger;

  constructor(config: PayOnlineConfig, client: PayOnlineClient, logger: Logger) {
    this.#config = config;
    this.#client = client;
    this.#logger = logger;
  }

  async charge(ctx: ProviderChargeContext): Promise<ChargeOutcome> {
    const options = parseChargeOptions(ctx.providerOptions);
    if (!options.ok) return { status: 'failed', error: options.error };
    const prepared = prepareRebill(this.#config, ctx);
    if (!prepared.ok) return { status: 'failed', error: prepared.error };
    const ref: PayOnlineChargeRef = { flow: options.options.flow };
    if (options.options.flow === 'relay') {
      return {
        status: 'requires_action',
        action: relayedRebillAction(this.#config, prepared.order),
        providerRef: ref,
      };
    }
    const verdict = interpretRebillAnswer(await this.#client.rebill(prepared.order));
    switch (verdict.kind) {
      case 'paid':
        this.#warnIfRoutedAccountUnknown(ctx, verdict.merchantId);
        return {
          status: 'succeeded',
          providerRef: { ...ref, ...paymentRef(verdict.transactionId, this.#routed(verdict.merchantId)) },
        };
      case 'already-paid': {
        // Not a decline: the order went through before (an attempt whose answer was lost). The payment
        // PayOnline holds for it is the charge's.
        const found = await findChargePayment(this.#client, this.#config, ctx.orderId, {});
        if (found) return { status: 'succeeded', providerRef: { ...ref, ...this.#refOf(found) } };
        throw new CardBindingError(
          'PROVIDER_UNAVAILABLE',
          'PayOnline says this order is already paid but Search lists no payment for it yet: asking again later',
          { providerCode: '4016' },
        );
      }
      case 'declined': {
        const advice = retryAdviceFor(verdict, ctx.now);
        return {
          status: 'failed',
          error: chargeDeclineError(verdict, advice),
          ...(advice === undefined ? {} : { advice }),
        };
      }
      case 'unclear':
        throw new CardBindingError(
          'PROVIDER_UNAVAILABLE',
          'PayOnline answered the Rebill without saying whether it was paid',
          { providerCode: 'UNCLEAR_ANSWER' },
        );
    }
  }

  /**
   * Search by the charge's OrderId (safe to repeat). Search lists successful payments only, so a
   * decline whose answer was lost reads `not_found` too: core takes `not_found` after its grace period
   * as "no money moved". An unreadable answer throws.
   */
  async checkCharge(ctx: ProviderChargeStateContext): Promise<ChargeCheckOutcome> {
    const ref = parseChargeRef(ctx.providerRef);
    const found = await findChargePayment(this.#client, this.#config, ctx.orderId, ref);
    if (!found) return { status: 'not_found' };
    const expected = toMajorString(ctx.amount);
    if (found.payment.amount !== undefined && found.payment.amount !== expected) {
      // The key covers Amount, so this should not happen: worth an operator's look, not a guess.
      this.#logger.warn(
        { event: 'payonline.charge_amount_differs', chargeId: ctx.chargeId, orderId: ctx.orderId },
        'PayOnline lists the charge order with another amount than the charge',
      );
    }
    return { status: 'succeeded', providerRef: this.#refOf(found) };
  }

  refund(ctx: ProviderRefundContext): Promise<RefundOutcome> {
    return refundCharge({ client: this.#client, config: this.#config, logger: this.#logger }, ctx);
  }

  /**
   * PayOnline has no refund query in its API (charging.md lists Search, which shows successful
   * payments, not refunds): a refund whose answer was lost stays `processing` until an operator checks
   * it in PayOnline's back office. Never re-sent, since a second Refund would refund twice.
   */
  async checkRefund(_ctx: ProviderRefundContext): Promise<RefundCheckOutcome> {
    return { status: 'unknown' };
  }

  #refOf(found: ChargePayment): PayOnlineChargeRef {
    return paymentRef(found.payment.transactionId, routedMerchantOf(this.#config, found.account));
  }

  /** A routed MerchantId worth remembering: one that is not the configured account itself. */
  #routed(merchantId: string | undefined): string | undefined {
    return merchantId === this.#config.merchantId ? undefined : merchantId;
  }

  #warnIfRoutedAccountUnknown(ctx: ProviderChargeContext, merchantId: string | undefined): void {
    const routed = this.#routed(merchantId);
    if (routed === undefined || this.#config.merchantAccounts[routed] !== undefined) return;
    this.#logger.warn(
      { event: 'payonline.routed_account_unknown', chargeId: ctx.chargeId, merchantId: routed },
      'PayOnline routed the charge to a merchant account merchantAccounts does not list: add its key, ' +
        'or a refund of this charge fails with CONFIG_INVALID',
    );
  }
}
