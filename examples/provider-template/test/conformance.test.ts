import { randomBytes } from 'node:crypto';
import { Secret } from '@cardbind/core';
import { PGlite } from '@electric-sql/pglite';
import { createPgliteBindingStore } from '@cardbind/store-postgres';
import {
  type ConformanceOptions,
  describeProviderConformance,
  TEST_CARDS,
  type ScenarioContext,
} from '@cardbind/testing';
import { afterAll, describe } from 'vitest';
import { toyPayModule } from '../src/index.js';
import {
  payOnHostedPage,
  startToyPayEmulator,
  TOYPAY_CHARGE_DECLINE_CARD,
  type ToyPayEmulator,
} from '../src/emulator/index.js';

const API_KEY = 'tp_test_3f9a1c7e5b2d4a68';
const WEBHOOK_SECRET = 'whsec_8d2f6a0c4e1b9a73';

function pageOf(ctx: ScenarioContext<ToyPayEmulator>): string {
  if (ctx.binding.nextAction?.type !== 'redirect') throw new Error('ToyPay answers with a redirect');
  return ctx.binding.nextAction.url;
}

const contract: ConformanceOptions<ToyPayEmulator> = {
  name: 'ToyPay (provider template)',
  providerId: 'toypay',
  // ToyPay's notifications go to the suite's callback receiver, which hands them to the service.
  startBackend: ({ callbackUrl }) =>
    startToyPayEmulator({
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
      // A short gateway session keeps the abandon case's wait (until expiresAt) to a few dozen polls.
      sessionTtlMs: 5 * 60_000,
      notifyUrl: `${callbackUrl}/toypay`,
    }),
  // env.baseUrl is the suite's fault proxy in front of the emulator.
  createModules: (env) => [
    toyPayModule({
      baseUrl: env.baseUrl,
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
      allowLoopbackHttp: env.allowLoopbackHttp,
      timeouts: env.httpTimeouts,
    }),
  ],
  scenarios: {
    succeed: async (ctx) => void (await payOnHostedPage(pageOf(ctx), TEST_CARDS.success)),
    decline: async (ctx) => void (await payOnHostedPage(pageOf(ctx), TEST_CARDS.decline)),
    // Nothing to do: the customer never opens the page.
    abandon: async () => undefined,
    cardsAtProvider: async ({ backend, customer }) => backend.cardsFor(customer.id),
  },
  complete: 'finalise',
  secrets: [
    { name: 'ToyPay API key', value: API_KEY },
    { name: 'ToyPay webhook secret', value: WEBHOOK_SECRET },
    { name: 'the charge-decline card number', value: TOYPAY_CHARGE_DECLINE_CARD.number },
  ],
  allowLoopbackHttp: true,
  // ToyPay signs `{event}.{session_id}`, not the whole body: a field added beside them goes unnoticed
  // (and decides nothing: even a signed notification only makes the provider ask the status API).
  forgedCallback: { unsignedAddedFields: true },
  // ToyPay charges and refunds saved cards: every charging case runs against the emulator's ledger.
  charging: {
    amount: { minor: 1500, currency: 'EUR' },
    debits: ({ backend }) => backend.charges.debits(),
    bindDecliningCard: async (ctx) => void (await payOnHostedPage(pageOf(ctx), TOYPAY_CHARGE_DECLINE_CARD)),
    loseChargeAnswer: ({ backend, orderId }) => backend.charges.loseAnswer(orderId),
    refunds: true,
  },
};

// The same contract on a database store too: @cardbind/store-postgres on PGlite (PostgreSQL compiled
// to WebAssembly, in this process, so no server to install). A provider's refs and card tokens then make
// a real round trip through SQL, JSON columns and token encryption. Random keys per run: a key in the
// code would be a key anyone could use.
const newKey = () => new Secret(randomBytes(32).toString('base64'));
const keys = { currentKeyId: 'test', keys: { test: newKey() }, fingerprintKey: newKey() };

// One PGlite database for the file (opening one costs 2-4 s of CPU), a fresh schema per case: every
// case still starts from an empty store. Concurrently: every case is a world of its own and mostly
// waits on the network (the fault case waits out client timeouts).
let shared: Promise<PGlite> | undefined;
let schemas = 0;
afterAll(async () => {
  await (await shared)?.close();
});
describe.concurrent('on each store', () => {
  describeProviderConformance(contract);
  describeProviderConformance({
    ...contract,
    name: `${contract.name} on PGlite`,
    createStore: async () => {
      shared ??= PGlite.create();
      const store = await createPgliteBindingStore({
        pglite: await shared,
        schema: `case_${++schemas}`,
        keys,
      });
      // The database is the file's: closing the store leaves it open for the other cases.
      return { store, close: () => store.close() };
    },
  });
});
