import {
  type CallbackResult,
  type CardBindingProvider,
  type ChargeCheckOutcome,
  type ChargeOutcome,
  type HttpClient,
  type InitOutcome,
  type Logger,
  type ProviderCallbackContext,
  type ProviderChargeActionContext,
  type ProviderChargeContext,
  type ProviderChargeStateContext,
  type ProviderContext,
  type ProviderInitContext,
  type ProviderOutcome,
  type ProviderRefundContext,
  type RefundCheckOutcome,
  type RefundOutcome,
  type RemoveCardContext,
  silentLogger,
} from '@cardbind/core';
import { PaytureBinding } from './binding/payture-binding.js';
import { PaytureCharging } from './charging/payture-charging.js';
import { PaytureClient } from './commands/payture-client.js';
import type { PaytureConfig } from './config.js';

export const PAYTURE_PROVIDER_ID = 'payture';

export interface PaytureProviderDependencies {
  http: HttpClient;
  logger?: Logger;
}

/**
 * Payture EWallet: card binding through the hosted Add page (binding/), charging on the Pay terminal
 * (charging/), every vwapi command through one client (commands/). Stateless: the session, the login
 * and the cards the customer had before live in the binding's providerRef.
 */
export class PaytureProvider implements CardBindingProvider {
  readonly id = PAYTURE_PROVIDER_ID;
  /** Every vwapi command, for what the provider contract does not cover (`deleteCustomer`). */
  readonly client: PaytureClient;
  readonly #binding: PaytureBinding;
  readonly #charging: PaytureCharging;

  /** `config` is the parsed configuration (`PaytureConfig.parse` / `paytureModule` does that). */
  constructor(config: PaytureConfig, dependencies: PaytureProviderDependencies) {
    const logger = dependencies.logger ?? silentLogger;
    this.client = new PaytureClient({
      baseUrl: config.baseUrl,
      addTerminal: config.addTerminal,
      http: dependencies.http,
      logger,
      ...(config.terminalPassword === undefined ? {} : { terminalPassword: config.terminalPassword }),
      ...(config.payTerminal === undefined ? {} : { payTerminal: config.payTerminal }),
      ...(config.payTerminalPassword === undefined
        ? {}
        : { payTerminalPassword: config.payTerminalPassword }),
    });
    this.#binding = new PaytureBinding(config, this.client, logger);
    this.#charging = new PaytureCharging(config, this.client, logger);
  }

  /** Check → Register → GetList (cards before) → Init(Add) → redirect to the hosted Add page. */
  init(ctx: ProviderInitContext): Promise<InitOutcome> {
    return this.#binding.init(ctx);
  }

  /** The customer came back: GetList decides, the return URL's `success` is only a claim. */
  finalise(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#binding.check(ctx);
  }

  /** One poll: the same GetList check, so `waitForCompletion` works for Payture too. */
  checkOrder(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#binding.check(ctx);
  }

  /** CustomerAddSuccess / CustomerAddFail: unsigned hints, confirmed with GetList. */
  handleCallback(ctx: ProviderCallbackContext): Promise<CallbackResult> {
    return this.#binding.handleCallback(ctx);
  }

  /** Remove at Payture; a card Payture no longer knows is already removed. */
  removeCard(ctx: RemoveCardContext): Promise<void> {
    return this.#binding.removeCard(ctx);
  }

  charge(ctx: ProviderChargeContext): Promise<ChargeOutcome> {
    return this.#charging.charge(ctx);
  }

  checkCharge(ctx: ProviderChargeStateContext): Promise<ChargeCheckOutcome> {
    return this.#charging.checkCharge(ctx);
  }

  completeChargeAction(ctx: ProviderChargeActionContext): Promise<ChargeOutcome> {
    return this.#charging.completeChargeAction(ctx);
  }

  refund(ctx: ProviderRefundContext): Promise<RefundOutcome> {
    return this.#charging.refund(ctx);
  }

  checkRefund(ctx: ProviderRefundContext): Promise<RefundCheckOutcome> {
    return this.#charging.checkRefund(ctx);
  }
}
