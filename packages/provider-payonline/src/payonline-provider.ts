import {
  type CallbackResult,
  type CardBindingProvider,
  type ChargeCheckOutcome,
  type ChargeOutcome,
  type Clock,
  createHttpClient,
  type HttpClient,
  type InitOutcome,
  type Logger,
  type ProviderCallbackContext,
  type ProviderChargeContext,
  type ProviderChargeStateContext,
  type ProviderContext,
  type ProviderInitContext,
  type ProviderOutcome,
  type ProviderRefundContext,
  type Redactor,
  type RefundCheckOutcome,
  type RefundOutcome,
  type SavedCard,
} from '@cardbind/core';
import { PayOnlineBinding } from './binding/payonline-binding.js';
import { VerificationPayment } from './binding/verification-payment.js';
import { PayOnlineCharging } from './charging/payonline-charging.js';
import { PayOnlineClient } from './commands/payonline-client.js';
import type { PayOnlineConfig } from './config.js';

export const PAYONLINE_PROVIDER_ID = 'payonline';

export interface PayOnlineProviderDependencies {
  logger: Logger;
  clock: Clock;
  /** Defaults to a got client named `payonline` with the configured timeouts. */
  http?: HttpClient;
  /** The container's redaction, for transcripts and error causes (`ProviderDependencies.redactor`). */
  redactor?: Redactor;
}

/**
 * PayOnline: the form-params binding flow with its callbacks and 3-D Secure returns (binding/),
 * charging the saved card by Rebill (charging/), every host-side API method through one client
 * (commands/). Stateless apart from its configuration: it remembers orders in providerRef.
 */
export class PayOnlineProvider implements CardBindingProvider {
  readonly id = PAYONLINE_PROVIDER_ID;
  readonly #binding: PayOnlineBinding;
  readonly #verification: VerificationPayment;
  readonly #charging: PayOnlineCharging;

  constructor(config: PayOnlineConfig, dependencies: PayOnlineProviderDependencies) {
    const http =
      dependencies.http ??
      createHttpClient({
        name: PAYONLINE_PROVIDER_ID,
        timeouts: config.timeouts,
        retries: config.retries,
        logger: dependencies.logger,
        ...(dependencies.redactor === undefined ? {} : { redactor: dependencies.redactor }),
      });
    const client = new PayOnlineClient(config, http);
    this.#binding = new PayOnlineBinding(config, client, dependencies.logger);
    this.#verification = new VerificationPayment(config, client, dependencies.logger);
    this.#charging = new PayOnlineCharging(config, client, dependencies.logger);
  }

  /** A fresh order and the signed Auth form the app posts to PayOnline: nothing goes on the wire. */
  init(ctx: ProviderInitContext): Promise<InitOutcome> {
    return this.#binding.init(ctx);
  }

  /** Search: a payment PayOnline lists is `processing` until a verified source gives the card token. */
  checkOrder(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#binding.check(ctx);
  }

  /** The app came back: only a reason to ask Search now; nothing the app reports is read. */
  finalise(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#binding.check(ctx);
  }

  /** PayOnline's signed callback, or the bank's 3-D Secure return to the term_url. */
  handleCallback(ctx: ProviderCallbackContext): Promise<CallbackResult> {
    return this.#binding.handleCallback(ctx);
  }

  /** Voids the verification payment (unless `afterBinding: 'keep'`); never fails the binding. */
  afterSuccess(ctx: ProviderContext & { readonly card: SavedCard }): Promise<void> {
    return this.#verification.afterSuccess(ctx);
  }

  /** Releases a verification payment PayOnline took for a binding that failed or expired. */
  afterFailure(ctx: ProviderContext): Promise<void> {
    return this.#verification.afterFailure(ctx);
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
}
