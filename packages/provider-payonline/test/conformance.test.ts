import {
  describeProviderConformance,
  PAYONLINE_CHARGE_CARDS,
  type PayOnlineEmulator,
  type ScenarioContext,
  startPayOnlineEmulator,
  TEST_CARDS,
  type TestCard,
} from '@cardbind/testing';
import { afterAll, describe } from 'vitest';
import { payonlineModule } from '../src/index.js';
import { submitCardForm } from '../src/client/index.js';
import { cardInputOf } from './harness.js';
import { closeStores, openStore, STORE_KINDS } from './stores.js';

const PRIVATE_KEY = 'c0f3e1d2-conformance-private-key-77aa';

/**
 * The app's part: post the card straight to PayOnline (through the suite's fault proxy) with the form
 * params the binding carries, then let the emulator's callback reach the host.
 */
async function payAsTheApp(ctx: ScenarioContext<PayOnlineEmulator>, card: TestCard): Promise<void> {
  const action = ctx.binding.nextAction;
  if (action?.type !== 'form') throw new Error('PayOnline gives a form action');
  const result = await submitCardForm(action, cardInputOf(card), { allowLoopbackHttp: true });
  if (result.kind !== 'accepted' && result.kind !== 'declined') {
    throw new Error(`PayOnline answered ${result.kind}`);
  }
  await ctx.backend.callbacksSettled();
}

afterAll(closeStores);

// The whole contract on each store, a fresh store per case (both containers of the race share it).
// Concurrently: every case is a world of its own (backend, proxy, receiver, store) and mostly waits on
// the network (the fault case waits out client timeouts), and vitest runs one file at a time on 2
// cores. Both stores then take about what one took case after case.
describe.concurrent('on each store', () => {
  for (const kind of STORE_KINDS) {
    describeProviderConformance<PayOnlineEmulator>({
      name: `PayOnline on the ${kind} store`,
      providerId: 'payonline',
      // The suite's clock: a callback's DateTime is judged against the host's clock (callbackWindow).
      startBackend: ({ callbackUrl, clock }) =>
        startPayOnlineEmulator({
          privateSecurityKey: PRIVATE_KEY,
          callbackUrl: `${callbackUrl}/payonline/callback`,
          clock,
          // Refunds in parts need a settled payment (a Void takes the whole amount only).
          settleRebills: 'at-once',
        }),
      createModules: (env) => [
        payonlineModule({
          merchantId: env.backend.merchantId,
          privateSecurityKey: PRIVATE_KEY,
          baseUrl: env.baseUrl,
          allowLoopbackHttp: env.allowLoopbackHttp,
          termUrl: `${env.callbackUrl}/payonline/3ds`,
          timeouts: env.httpTimeouts,
        }),
      ],
      scenarios: {
        succeed: (ctx) => payAsTheApp(ctx, TEST_CARDS.success),
        decline: (ctx) => payAsTheApp(ctx, TEST_CARDS.decline),
      },
      // The host polls (LitRes's r_check_order); the card itself arrives by the verified callback.
      complete: 'checkOrder',
      // Rebill with the RebillAnchor, Search for lost answers, Void/Refund: every charging case runs,
      // counted in the emulator's own record of the rebills that took effect.
      charging: {
        debits: ({ backend }) =>
          backend.operations
            .filter((operation) => operation.kind === 'rebill')
            .map((operation) => operation.orderId),
        bindDecliningCard: (ctx) => payAsTheApp(ctx, PAYONLINE_CHARGE_CARDS.issuerDecline),
        loseChargeAnswer: ({ backend, orderId }) => backend.loseRebillAnswer(orderId),
        refunds: true,
      },
      secrets: [{ name: 'PayOnline private security key', value: PRIVATE_KEY }],
      allowLoopbackHttp: true,
      // PayOnline's SecurityKey covers DateTime, TransactionID, OrderId, Amount and Currency only
      // (src/callback.ts): the provider lets the first verified callback decide, so a copy differing
      // elsewhere is delivered after the genuine one and must change nothing.
      forgedCallback: {
        unsignedFields: [
          'PaymentAmount',
          'PaymentCurrency',
          'CardHolder',
          'CardNumber',
          'Country',
          'BinCountry',
          'Provider',
          'RebillAnchor',
          'Code',
          'ErrorCode',
        ],
        unsignedAddedFields: true,
      },
      createStore: () => openStore(kind),
    });
  }
});
