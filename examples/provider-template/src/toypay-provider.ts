import type {
  CallbackResult,
  CardBindingProvider,
  ChargeCheckOutcome,
  ChargeOutcome,
  HttpClient,
  InitOutcome,
  Logger,
  ProviderCallbackContext,
  ProviderChargeContext,
  ProviderChargeStateContext,
  ProviderContext,
  ProviderInitContext,
  ProviderOutcome,
  ProviderRefundContext,
  RefundOutcome,
  RemoveCardContext,
} from '@cardbind/core';
import { ToyPayBinding } from './binding/toypay-binding.js';
import { ToyPayCharging } from './charging/toypay-charging.js';
import { ToyPayClient } from './commands/toypay-client.js';
import type { ToyPayConfig } from './config.js';

export const TOYPAY_PROVIDER_ID = 'toypay';

export interface ToyPayDependencies {
  http: HttpClient;
  logger: Logger;
}

/**
 * ToyPay: binding through the hosted page (binding/), charging and refunds (charging/), every API call
 * through one client (commands/). Stateless: the session id lives in the binding's providerRef. Each
 * method only delegates, so the contract's methods and the gateway's flow read apart.
 */
export class ToyPayProvider implements CardBindingProvider {
  readonly id = TOYPAY_PROVIDER_ID;
  readonly #binding: ToyPayBinding;
  readonly #charging: ToyPayCharging;

  constructor(config: ToyPayConfig, deps: ToyPayDependencies) {
    const client = new ToyPayClient(config, deps.http);
    this.#binding = new ToyPayBinding(config, client, deps.logger);
    this.#charging = new ToyPayCharging(client);
  }

  init(ctx: ProviderInitContext): Promise<InitOutcome> {
    return this.#binding.init(ctx);
  }

  finalise(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#binding.check(ctx);
  }

  checkOrder(ctx: ProviderContext): Promise<ProviderOutcome> {
    return this.#binding.check(ctx);
  }

  handleCallback(ctx: ProviderCallbackContext): Promise<CallbackResult> {
    return this.#binding.handleCallback(ctx);
  }

  removeCard(ctx: RemoveCardContext): Promise<void> {
    return this.#binding.removeCard(ctx);
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
}
