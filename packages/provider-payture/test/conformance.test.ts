import {
  TEST_CARDS,
  completeAddSession,
  describeProviderConformance,
  DEFAULT_CUSTOMER,
  PAYTURE_MAGIC_CARDS,
  startPaytureEmulator,
  type PaytureEmulator,
  type ScenarioContext,
  type TestCard,
} from '@cardbind/testing';
import { afterAll, describe } from 'vitest';
import { paytureModule } from '../src/index.js';
import { closeStores, openStore, STORE_KINDS } from './stores.js';
import { CUSTOMER_SECRET, expectedPassword } from './world.js';

const TERMINAL_PASSWORD = 'conformance-terminal-password';
const PAY_TERMINAL_PASSWORD = 'conformance-pay-terminal-password';

/** The customer on the hosted page: follow the binding's redirect (through the suite's proxy), submit a card. */
async function onHostedPage(
  ctx: ScenarioContext<PaytureEmulator>,
  card: Pick<TestCard, 'number' | 'expires' | 'holder' | 'cvv'>,
) {
  const url = ctx.binding.nextAction?.url;
  if (url === undefined) throw new Error('the binding has no redirect');
  const result = await completeAddSession(url, {
    number: card.number,
    expiry: `${card.expires.slice(0, 2)}/${card.expires.slice(2)}`,
    holder: card.holder,
    cvv: card.cvv,
  });
  if (result.status !== 302) throw new Error(`the hosted page answered ${result.status}`);
  // Payture notifies the host's route (the suite's receiver): wait until it has been delivered.
  await ctx.backend.notificationsSettled();
  // The customer's browser comes back to the return URL; the host's return route hands its query to finalise.
  return {
    returnQuery: Object.fromEntries(new URL(result.location ?? '', 'http://return.invalid').searchParams),
  };
}

afterAll(closeStores);

// The whole contract on each store, a fresh store per case (both containers of the race share it).
// Concurrently: every case is a world of its own (backend, proxy, receiver, store) and mostly waits on
// the network (the fault case waits out client timeouts), and vitest runs one file at a time on 2
// cores. Both stores then take about what one took case after case.
describe.concurrent('on each store', () => {
  for (const kind of STORE_KINDS) {
    describeProviderConformance<PaytureEmulator>({
      name: `Payture on the ${kind} store`,
      providerId: 'payture',
      startBackend: ({ callbackUrl }) =>
        startPaytureEmulator({
          terminalPassword: TERMINAL_PASSWORD,
          payTerminalPassword: PAY_TERMINAL_PASSWORD,
          notificationUrl: `${callbackUrl}/payture/notifications`,
        }),
      createModules: (env) => [
        paytureModule({
          baseUrl: env.baseUrl,
          allowLoopbackHttp: env.allowLoopbackHttp,
          addTerminal: env.backend.addTerminal,
          terminalPassword: TERMINAL_PASSWORD,
          payTerminal: env.backend.payTerminal,
          payTerminalPassword: PAY_TERMINAL_PASSWORD,
          customerCredentials: { secret: CUSTOMER_SECRET },
          timeouts: env.httpTimeouts,
        }),
      ],
      scenarios: {
        succeed: (ctx) => onHostedPage(ctx, TEST_CARDS.success),
        decline: (ctx) => onHostedPage(ctx, TEST_CARDS.decline),
        cardsAtProvider: async ({ backend, customer }) =>
          backend.customers.get(`customer-${customer.id}`)?.cards.length ?? 0,
      },
      complete: 'finalise',
      secrets: [
        { name: 'terminal password', value: TERMINAL_PASSWORD },
        { name: 'Pay terminal password', value: PAY_TERMINAL_PASSWORD },
        { name: 'customer secret', value: CUSTOMER_SECRET },
        { name: 'customer password', value: expectedPassword(DEFAULT_CUSTOMER.id) },
      ],
      allowLoopbackHttp: true,
      skip: {
        forgedCallback:
          'Payture signs no notification: the provider answers every one OK and trusts none of its fields, ' +
          'confirming each with GetList, so there is no signature to reject a tampered copy by ' +
          '(test/notifications.test.ts proves forged CustomerAddSuccess/CustomerAddFail change nothing)',
      },
      // Recurring Pay on the Pay terminal, GetState for lost answers, Refund: every charging case runs,
      // counted in the emulator's ledger.
      charging: {
        debits: ({ backend }) =>
          backend.ledger.filter((entry) => entry.kind === 'debit').map((entry) => entry.orderId),
        bindDecliningCard: (ctx) =>
          onHostedPage(ctx, { ...TEST_CARDS.success, number: PAYTURE_MAGIC_CARDS.chargeBlocked.number }),
        loseChargeAnswer: ({ backend, orderId }) => backend.payments.armAnswer('Pay', orderId, 'lost'),
        refunds: true,
      },
      createStore: () => openStore(kind),
    });
  }
});
