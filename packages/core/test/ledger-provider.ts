import {
  CardBindingError,
  type ChargeCheckOutcome,
  type ChargeOutcome,
  type ProviderChargeActionContext,
  type ProviderChargeContext,
  type ProviderChargeStateContext,
  type ProviderRefundContext,
  type RefundCheckOutcome,
  type RefundOutcome,
} from '../src/index.js';
import { ScriptedProvider } from './scripted-provider.js';

/** What the gateway does with one charge request, as a test scripts it. */
export type ChargeScript =
  | { kind: 'succeed' }
  | {
      kind: 'decline';
      error: CardBindingError;
      advice?: Extract<ChargeOutcome, { status: 'failed' }>['advice'];
    }
  | { kind: 'three_ds' }
  /** Debits, then the answer never arrives (the HTTP call times out). */
  | { kind: 'lost_after_debit' }
  /** Never reaches the gateway (a connection refused). */
  | { kind: 'lost_before_debit' };

/**
 * A gateway in miniature for core's charging tests: a real provider implementing the contract, with a
 * ledger of debits per order that refuses a reused order id, as Payture and PayOnline do. Tests count
 * debits in it, never the service's own records.
 */
export class LedgerProvider extends ScriptedProvider {
  readonly debits = new Map<string, number>();
  readonly refunds: { orderId: string; minor: number }[] = [];
  readonly chargeCalls = { charge: 0, check: 0, action: 0, refund: 0, checkRefund: 0 };
  script: (ctx: ProviderChargeContext) => ChargeScript = () => ({ kind: 'succeed' });
  refundScript: 'succeed' | 'lost' | 'decline' = 'succeed';
  readonly #threeDs = new Set<string>();

  async charge(ctx: ProviderChargeContext): Promise<ChargeOutcome> {
    this.chargeCalls.charge++;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.debits.has(ctx.orderId)) {
      throw new CardBindingError('PROVIDER_REJECTED', 'duplicate order', {
        providerCode: 'DUPLICATE_ORDER_ID',
      });
    }
    const step = this.script(ctx);
    switch (step.kind) {
      case 'succeed':
        this.debits.set(ctx.orderId, ctx.amount.minor);
        return { status: 'succeeded', providerRef: { paid: true } };
      case 'decline':
        return { status: 'failed', error: step.error, ...(step.advice ? { advice: step.advice } : {}) };
      case 'three_ds':
        this.#threeDs.add(ctx.orderId);
        return {
          status: 'requires_action',
          action: {
            type: 'redirect',
            url: 'https://acs.example.test/',
            method: 'POST',
            fields: { MD: ctx.orderId },
          },
        };
      case 'lost_after_debit':
        this.debits.set(ctx.orderId, ctx.amount.minor);
        throw new CardBindingError('PROVIDER_UNAVAILABLE', 'timed out');
      case 'lost_before_debit':
        throw new CardBindingError('PROVIDER_UNAVAILABLE', 'connection refused');
    }
  }

  async checkCharge(ctx: ProviderChargeStateContext): Promise<ChargeCheckOutcome> {
    this.chargeCalls.check++;
    if (this.debits.has(ctx.orderId)) return { status: 'succeeded' };
    if (this.#threeDs.has(ctx.orderId)) return { status: 'pending' };
    return { status: 'not_found' };
  }

  async completeChargeAction(ctx: ProviderChargeActionContext): Promise<ChargeOutcome> {
    this.chargeCalls.action++;
    if (ctx.request.body['PaRes'] !== 'good') {
      return {
        status: 'failed',
        error: new CardBindingError('CARD_DECLINED', '3-D Secure failed', { providerCode: 'THREE_DS_FAIL' }),
      };
    }
    this.debits.set(ctx.orderId, ctx.amount.minor);
    return { status: 'succeeded' };
  }

  async refund(ctx: ProviderRefundContext): Promise<RefundOutcome> {
    this.chargeCalls.refund++;
    await new Promise((resolve) => setImmediate(resolve));
    const debited = this.debits.get(ctx.charge.orderId) ?? 0;
    const refunded = this.refunded(ctx.charge.orderId);
    if (this.refundScript === 'decline' || refunded + ctx.amount.minor > debited) {
      return {
        status: 'failed',
        error: new CardBindingError('PROVIDER_REJECTED', 'refund refused', { providerCode: 'AMOUNT_ERROR' }),
      };
    }
    this.refunds.push({ orderId: ctx.charge.orderId, minor: ctx.amount.minor });
    if (this.refundScript === 'lost') throw new CardBindingError('PROVIDER_UNAVAILABLE', 'timed out');
    return { status: 'succeeded' };
  }

  async checkRefund(ctx: ProviderRefundContext): Promise<RefundCheckOutcome> {
    this.chargeCalls.checkRefund++;
    const refunded = this.refunded(ctx.charge.orderId);
    return refunded === ctx.refundedBefore.minor + ctx.amount.minor
      ? { status: 'succeeded' }
      : { status: 'unknown' };
  }

  refunded(orderId: string): number {
    return this.refunds
      .filter((refund) => refund.orderId === orderId)
      .reduce((sum, refund) => sum + refund.minor, 0);
  }

  get debitCount(): number {
    return this.debits.size;
  }
}
