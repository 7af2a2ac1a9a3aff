import { describeProviderConformance, TEST_CARDS, type ScenarioContext } from '@cardbind/testing';
import { toyPayModule } from '../src/index.js';
import { payOnHostedPage } from './customer.js';
import { startToyPayEmulator, type ToyPayEmulator } from './emulator/toypay-emulator.js';

const API_KEY = 'tp_test_3f9a1c7e5b2d4a68';
const WEBHOOK_SECRET = 'whsec_8d2f6a0c4e1b9a73';

function pageOf(ctx: ScenarioContext<ToyPayEmulator>): string {
  if (ctx.binding.nextAction?.type !== 'redirect') throw new Error('ToyPay answers with a redirect');
  return ctx.binding.nextAction.url;
}

describeProviderConformance({
  name: 'ToyPay (provider template)',
  providerId: 'toypay',
  // ToyPay's notifications go to the suite's callback receiver, which hands them to the service.
  startBackend: ({ callbackUrl }) =>
    startToyPayEmulator({
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
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
  ],
  allowLoopbackHttp: true,
});
