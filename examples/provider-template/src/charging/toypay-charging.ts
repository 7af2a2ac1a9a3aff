import type {
  ChargeCheckOutcome,
  ChargeOutcome,
  ChargingOperations,
  ProviderChargeContext,
  ProviderChargeStateContext,
  ProviderRefundContext,
  RefundOutcome,
} from '@cardbind/core';
import type { ToyPayClient } from '../commands/toypay-client.js';
import { declineFrom } from '../errors/codes.js';
import { chargeAdviceFor } from '../errors/retry-advice.js';
import type { ChargeResult } from '../wire/answer.js';

/**
 * Charging a saved ToyPay card: one debit request per order, a status call for the reconciler, and
 * refunds. The rule every method keeps: answer `failed` only when ToyPay said no (a decline, or its
 * own refusal: nothing was taken); when the answer is lost or unreadable, the client throws, so the
 * charge stays `processing` and the reconciler asks `checkCharge` about the same order. The order id
 * is the service's (`ctx.orderId`), never one of ours: that is the order the reconciler asks about.
 */
export class ToyPayCharging implements Pick<ChargingOperations, 'charge' | 'checkCharge' | 'refund'> {
  readonly #client: ToyPayClient;

  constructor(client: ToyPayClient) {
    this.#client = client;
  }

  async charge(ctx: ProviderChargeContext): Promise<ChargeOutcome> {
    const answer = await this.#client.createCharge({
      orderId: ctx.orderId,
      cardToken: ctx.card.token,
      amount: ctx.amount.minor,
      currency: ctx.amount.currency,
      ...(ctx.description === undefined ? {} : { description: ctx.description }),
    });
    if (answer.kind === 'refused') return { status: 'failed', error: answer.error };
    return toChargeOutcome(answer.result, ctx.now);
  }

  /** Asks about the order; never debits. */
  async checkCharge(ctx: ProviderChargeStateContext): Promise<ChargeCheckOutcome> {
    const result = await this.#client.getCharge(ctx.orderId);
    if (result === 'not_found') return { status: 'not_found' };
    return toChargeOutcome(result, ctx.now);
  }

  async refund(ctx: ProviderRefundContext): Promise<RefundOutcome> {
    const answer = await this.#client.createRefund({
      orderId: ctx.charge.orderId,
      refundId: ctx.refundId,
      amount: ctx.amount.minor,
    });
    if (answer.kind === 'refused') return { status: 'failed', error: answer.error };
    return { status: 'succeeded' };
  }
}

function toChargeOutcome(result: ChargeResult, now: Date): ChargeOutcome {
  if (result.status === 'succeeded') return { status: 'succeeded' };
  const advice = chargeAdviceFor(result.decline_code, now);
  return { status: 'failed', error: declineFrom(result.decline_code), ...(advice ? { advice } : {}) };
}
