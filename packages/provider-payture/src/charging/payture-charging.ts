import type {
  ChargeCheckOutcome,
  ChargeOutcome,
  ChargingOperations,
  Logger,
  ProviderChargeActionContext,
  ProviderChargeContext,
  ProviderChargeStateContext,
  ProviderRefundContext,
  RefundCheckOutcome,
  RefundOutcome,
} from '@cardbind/core';
import type { PaytureClient } from '../commands/payture-client.js';
import type { PaytureConfig } from '../config.js';
import { chargeCard, type ChargeDependencies, checkCharge, completeChargeAction } from './charge.js';
import { checkRefund, refundCharge } from './refund.js';

/**
 * Charging a card Payture saved, on the Pay terminal: Pay (never repeated; a lost answer is settled
 * by GetState on the same order), PaySubmit3DS after the customer's 3-D Secure step, Refund, and
 * GetState for whatever answer was lost. Without `payTerminal` every charge fails NOT_SUPPORTED
 * before any request.
 */
export class PaytureCharging implements Required<ChargingOperations> {
  readonly #deps: ChargeDependencies;

  constructor(config: PaytureConfig, client: PaytureClient, logger: Logger) {
    this.#deps = { config, client, logger };
  }

  /** One debit of the bound card (vwapi/Pay): see charge.ts. */
  charge(ctx: ProviderChargeContext): Promise<ChargeOutcome> {
    return chargeCard(this.#deps, ctx);
  }

  /** GetState about the charge's order: the answer to a lost Pay answer, never a second debit. */
  checkCharge(ctx: ProviderChargeStateContext): Promise<ChargeCheckOutcome> {
    return checkCharge(this.#deps, ctx);
  }

  /** The ACS's post (PaRes, MD) to the host's TermUrl → vwapi/PaySubmit3DS. */
  completeChargeAction(ctx: ProviderChargeActionContext): Promise<ChargeOutcome> {
    return completeChargeAction(this.#deps, ctx);
  }

  /** vwapi/Refund, part or all of a charged payment: see refund.ts. */
  refund(ctx: ProviderRefundContext): Promise<RefundOutcome> {
    return refundCharge(this.#deps, ctx);
  }

  /** Whether a refund whose answer was lost went through, from GetState: see refund.ts. */
  checkRefund(ctx: ProviderRefundContext): Promise<RefundCheckOutcome> {
    return checkRefund(this.#deps, ctx);
  }
}
