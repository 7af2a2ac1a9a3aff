import type {
  ChargeCheckOutcome,
  ChargeOutcome,
  HttpClient,
  ProviderChargeContext,
  ProviderChargeStateContext,
  ProviderRefundContext,
  RefundOutcome,
} from '@cardbind/core';
import type { ToyPayConfig } from './config.js';
import { chargeAdviceFor, declineFrom } from './errors.js';
import { ChargeResult, readAnswer, readRefusal, RefundResult } from './wire.js';

/**
 * Charging a saved ToyPay card: one debit request per order, a status call for the reconciler, and
 * refunds. The rule every method keeps: answer `failed` only when ToyPay said no (a decline, or its
 * own refusal: nothing was taken); when the answer is lost or unreadable, throw, so the charge stays
 * `processing` and the reconciler asks `checkCharge` about the same order. The order id is the
 * service's (`ctx.orderId`), never one of ours: that is the order the reconciler asks about.
 */
export class ToyPayCharging {
  constructor(
    private readonly config: ToyPayConfig,
    private readonly http: HttpClient,
  ) {}

  async charge(ctx: ProviderChargeContext): Promise<ChargeOutcome> {
    const response = await this.http.request({
      method: 'POST',
      url: `${this.config.baseUrl}/v1/charges`,
      headers: this.#auth(),
      form: {
        order_id: ctx.orderId,
        card_token: ctx.card.token,
        amount: String(ctx.amount.minor),
        currency: ctx.amount.currency,
        ...(ctx.description === undefined ? {} : { description: ctx.description }),
      },
      // Never retried, though ToyPay answers a repeated order_id with its first result: a debit is
      // sent once, and a lost answer is the reconciler's to ask about (docs/charging.md).
      safeToRetry: false,
    });
    const refused = readRefusal(response);
    if (refused) return { status: 'failed', error: refused };
    return toChargeOutcome(readAnswer(ChargeResult, response, 'charge'), ctx.now);
  }

  /** Asks about the order; never debits. A 404 `charge_not_found` is ToyPay never having seen it. */
  async checkCharge(ctx: ProviderChargeStateContext): Promise<ChargeCheckOutcome> {
    const response = await this.http.request({
      method: 'GET',
      url: `${this.config.baseUrl}/v1/charges/${encodeURIComponent(ctx.orderId)}`,
      headers: this.#auth(),
      safeToRetry: true,
    });
    if (readRefusal(response)?.providerCode === 'charge_not_found') return { status: 'not_found' };
    return toChargeOutcome(readAnswer(ChargeResult, response, 'charge status'), ctx.now);
  }

  async refund(ctx: ProviderRefundContext): Promise<RefundOutcome> {
    const response = await this.http.request({
      method: 'POST',
      url: `${this.config.baseUrl}/v1/charges/${encodeURIComponent(ctx.charge.orderId)}/refunds`,
      headers: this.#auth(),
      // ToyPay dedupes refund_id; the service's refund id makes the request name this refund alone.
      form: { refund_id: ctx.refundId, amount: String(ctx.amount.minor) },
      // A refund is never sent twice, by the service or by the client: its lost answer stays unknown.
      safeToRetry: false,
    });
    const refused = readRefusal(response);
    if (refused) return { status: 'failed', error: refused };
    readAnswer(RefundResult, response, 'refund');
    return { status: 'succeeded' };
  }

  #auth(): Record<string, string> {
    return { authorization: `Bearer ${this.config.apiKey.reveal()}` };
  }
}

function toChargeOutcome(result: ChargeResult, now: Date): ChargeOutcome {
  if (result.status === 'succeeded') return { status: 'succeeded' };
  const advice = chargeAdviceFor(result.decline_code, now);
  return { status: 'failed', error: declineFrom(result.decline_code), ...(advice ? { advice } : {}) };
}
