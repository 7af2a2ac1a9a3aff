import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BindingStore,
  CARD_BINDING_PROVIDER,
  cardBindingModule,
  type CardBindingProvider,
  CardBindingService,
  CardBindingWorker,
  type ChargeServiceOptionsInput,
  ChargeService,
  type ChargeStore,
  type Logger,
} from '@cardbind/core';
import { isLoopbackHost } from '@cardbind/core/client';
import { payonlineModule } from '@cardbind/provider-payonline';
import { paytureModule } from '@cardbind/provider-payture';
import { Container } from 'inversify';
import { eventLogListener } from './event-log-listener.js';

/** Where each provider lives and the credentials it needs: a real sandbox's, or an emulator's. */
export interface ProviderSettings {
  payture: {
    baseUrl: string;
    addTerminal: string;
    terminalPassword: string;
    customerSecret: string;
    /** The Pay terminal charges bound cards; without it Payture binds cards but charges none. */
    payTerminal?: string;
    /** The Pay terminal's password: Payture's Refund sends it. */
    payTerminalPassword?: string;
  };
  payonline: {
    baseUrl: string;
    merchantId: string;
    privateSecurityKey: string;
  };
}

export interface CardBindingSetup {
  providers: ProviderSettings;
  publicUrl: URL;
  logger: Logger;
  deadlineMs: number;
  /** Where bindings and cards live; default core's in-memory store (one process, gone on restart). */
  store?: BindingStore;
  /**
   * Where charges live when `store` does not keep them itself (the PostgreSQL store does, and core
   * then uses it without this); the demo's in-memory storage passes core's in-memory charge store.
   */
  chargeStore?: ChargeStore;
  /** ChargeService's timings (the reconciler's first check of a charge with a lost answer). */
  charges?: ChargeServiceOptionsInput;
  /** How long a claimed background item is held before another worker may take it. */
  workLeaseMs?: number;
  /** Test switch (`AFTER_STEP_DELAY_MS`): hold every provider after-step this long first. */
  afterStepDelayMs?: number;
}

/**
 * The services the routes call, and the worker that runs background work, the expiry sweep and the
 * charge reconciler.
 */
export interface CardBinding {
  service: CardBindingService;
  charges: ChargeService;
  worker: CardBindingWorker;
}

/** Plain http is accepted only where every party is on this machine (emulators, local development). */
export function allowsLoopbackHttp(...urls: (string | URL)[]): boolean {
  return urls.some((url) => isLoopbackHost(new URL(url).hostname));
}

/**
 * The container a host builds once at startup: core's module on the host's store (`@cardbind/store-postgres`
 * here), with the example's logging listener, and one module per provider.
 */
export function createCardBinding(setup: CardBindingSetup): CardBinding {
  const { payture, payonline } = setup.providers;
  const container = new Container();
  container.load(
    cardBindingModule({
      logger: setup.logger,
      listeners: [eventLogListener(setup.logger)],
      ...(setup.store === undefined ? {} : { store: setup.store }),
      ...(setup.chargeStore === undefined ? {} : { chargeStore: setup.chargeStore }),
      ...(setup.charges === undefined ? {} : { charges: setup.charges }),
      ...(setup.workLeaseMs === undefined ? {} : { service: { work: { leaseMs: setup.workLeaseMs } } }),
    }),
    paytureModule({
      baseUrl: payture.baseUrl,
      allowLoopbackHttp: allowsLoopbackHttp(payture.baseUrl, setup.publicUrl),
      addTerminal: payture.addTerminal,
      terminalPassword: payture.terminalPassword,
      ...(payture.payTerminal === undefined ? {} : { payTerminal: payture.payTerminal }),
      ...(payture.payTerminalPassword === undefined
        ? {}
        : { payTerminalPassword: payture.payTerminalPassword }),
      customerCredentials: { secret: payture.customerSecret },
    }),
    payonlineModule({
      baseUrl: payonline.baseUrl,
      allowLoopbackHttp: allowsLoopbackHttp(payonline.baseUrl, setup.publicUrl),
      merchantId: payonline.merchantId,
      privateSecurityKey: payonline.privateSecurityKey,
      termUrl: new URL('/payonline/3ds', setup.publicUrl).toString(),
      orderDeadlineMs: setup.deadlineMs,
      // A browser that posted the 3-D Secure result to PayOnline itself would end on PayOnline's
      // plain-text API answer; the host completes it instead and sends the customer back to the page.
      threeDsMode: 'server',
    }),
  );
  const delayMs = setup.afterStepDelayMs ?? 0;
  if (delayMs > 0) {
    container.onActivation(CARD_BINDING_PROVIDER, (_context, provider) =>
      delayingAfterSteps(provider, delayMs),
    );
  }
  return {
    service: container.get(CardBindingService),
    charges: container.get(ChargeService),
    worker: container.get(CardBindingWorker),
  };
}

/**
 * The provider with its after-steps (PayOnline's void of the verification payment) started `ms` late: a
 * window in which a crash test kills the process after the card is saved and before the void, every
 * time. Everything else is the provider itself, called on itself (its private fields need that).
 */
function delayingAfterSteps(provider: CardBindingProvider, ms: number): CardBindingProvider {
  return new Proxy(provider, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property !== 'afterSuccess' && property !== 'afterFailure') return value.bind(target);
      return async (...args: unknown[]) => {
        await sleep(ms);
        return Reflect.apply(value, target, args);
      };
    },
  });
}
