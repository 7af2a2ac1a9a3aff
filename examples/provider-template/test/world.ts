import {
  cardBindingModule,
  CardBindingService,
  type CardBindingModuleOptions,
  ChargeService,
} from '@cardbind/core';
import { type CallbackReceiver, startCallbackReceiver } from '@cardbind/testing';
import { Container } from 'inversify';
import { toyPayModule, type ToyPayConfigInput } from '../src/index.js';
import {
  startToyPayEmulator,
  type ToyPayEmulator,
  type ToyPayEmulatorOptions,
} from '../src/emulator/index.js';

export const API_KEY = 'tp_test_3f9a1c7e5b2d4a68';
export const WEBHOOK_SECRET = 'whsec_8d2f6a0c4e1b9a73';
export const customer = { id: 'customer-7', email: 'anna@example.test' };

export interface World {
  toypay: ToyPayEmulator;
  service: CardBindingService;
  charges: ChargeService;
  /** The host's callback route: ToyPay's notifications reach `service.handleCallback` through it. */
  host: CallbackReceiver;
  close(): Promise<void>;
}

/** The emulator, a host route for notifications, and a real container with the provider. */
export async function startWorld(
  overrides: {
    emulator?: Partial<ToyPayEmulatorOptions>;
    provider?: Partial<ToyPayConfigInput>;
    core?: CardBindingModuleOptions;
  } = {},
): Promise<World> {
  const host = await startCallbackReceiver('toypay');
  const toypay = await startToyPayEmulator({
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    notifyUrl: `${host.baseUrl}/toypay`,
    ...overrides.emulator,
  });
  const container = new Container();
  container.load(
    cardBindingModule(overrides.core),
    toyPayModule({
      baseUrl: toypay.baseUrl,
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
      allowLoopbackHttp: true,
      timeouts: { connectMs: 1_000, responseMs: 1_000, totalMs: 3_000 },
      ...overrides.provider,
    }),
  );
  const service = container.get(CardBindingService);
  host.attach(service);
  return {
    toypay,
    service,
    charges: container.get(ChargeService),
    host,
    close: async () => {
      await toypay.close();
      await host.close();
    },
  };
}
