import { request } from 'node:http';
import { TEST_CARDS, type ConformanceOptions, type ScenarioContext, type TestCard } from '../../src/index.js';
import { type MiniPayGateway, startMiniPayGateway } from './mini-pay-gateway.js';
import { type MiniPayDefect, miniPayModule } from './mini-pay-provider.js';

export const MINIPAY_API_KEY = 'mp_live_0123456789abcdef';
export const MINIPAY_WEBHOOK_SECRET = 'mp_whsec_fedcba9876543210';

/** The customer submits a card on the hosted page, over real HTTP, as a browser would. */
export async function payOnHostedPage(ctx: ScenarioContext<MiniPayGateway>, card: TestCard): Promise<void> {
  const action = ctx.binding.nextAction;
  if (action?.type !== 'redirect') throw new Error('MiniPay gives a redirect');
  // A planted http URL points nowhere: the customer reaches the page through the gateway's own host.
  const page = new URL(new URL(action.url).pathname, ctx.env.baseUrl);
  const body = new URLSearchParams({
    number: card.number,
    expiry: card.expires,
    holder: card.holder,
  }).toString();
  await new Promise<void>((resolve, reject) => {
    const req = request(
      page,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 303 ? resolve() : reject(new Error(`page answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function miniPayConformance(defect?: MiniPayDefect): ConformanceOptions<MiniPayGateway> {
  return {
    name: defect ? `MiniPay with ${defect}` : 'MiniPay',
    providerId: 'minipay',
    startBackend: ({ callbackUrl }) =>
      startMiniPayGateway({
        apiKey: MINIPAY_API_KEY,
        webhookSecret: MINIPAY_WEBHOOK_SECRET,
        webhookUrl: callbackUrl,
      }),
    createModules: (env) => [
      miniPayModule({
        baseUrl: env.baseUrl,
        apiKey: MINIPAY_API_KEY,
        webhookSecret: MINIPAY_WEBHOOK_SECRET,
        timeouts: env.httpTimeouts,
        ...(defect ? { defect } : {}),
      }),
    ],
    scenarios: {
      succeed: (ctx) => payOnHostedPage(ctx, TEST_CARDS.success),
      decline: (ctx) => payOnHostedPage(ctx, TEST_CARDS.decline),
      cardsAtProvider: async ({ backend, customer }) => backend.cardsFor(customer.id),
    },
    complete: 'finalise',
    secrets: [
      { name: 'MiniPay API key', value: MINIPAY_API_KEY },
      { name: 'MiniPay webhook secret', value: MINIPAY_WEBHOOK_SECRET },
    ],
    allowLoopbackHttp: true,
  };
}
