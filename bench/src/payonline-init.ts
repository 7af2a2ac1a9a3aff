import 'reflect-metadata/lite';
import { createHash } from 'node:crypto';
import { Container } from 'inversify';
import {
  cardBindingModule,
  CardBindingService,
  type FormParam,
  silentLogger,
  systemClock,
} from '@cardbind/core';
import { PayOnlineConfig, PayOnlineProvider, payonlineModule } from '@cardbind/provider-payonline';
import { interleave } from './measure/interleave.js';
import { ratioSummary } from './measure/ratio.js';
import { summarise } from './measure/stats.js';
import { opsPerSecond, spread } from './report/format.js';
import type { ResultRow, Scenario } from './report/scenario.js';

const CONFIG = {
  merchantId: 12345,
  privateSecurityKey: '3844908d-4c2a-42e1-9be0-91bb5d068d22',
  termUrl: 'https://shop.example.test/payonline/3ds',
} as const;

/** How long one measured round keeps calling: long enough for the clock, short enough to interleave. */
const ROUND_MS = 120;

/** Calls `op` until ROUND_MS has passed and returns microseconds per call. */
async function microsecondsPerOp(op: (index: number) => unknown): Promise<number> {
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (let batch = 0; batch < 32; batch++) await op(calls++);
    elapsed = performance.now() - started;
  }
  return (elapsed * 1000) / calls;
}

/**
 * The baseline: what the params cost without cardbind — an MD5 over the documented string and the
 * array of `{ name, value, substitute }` the app needs, nothing validated, nothing wrapped.
 */
export function bareAuthParams(orderId: string): FormParam[] {
  const { merchantId, privateSecurityKey } = CONFIG;
  const securityKey = createHash('md5')
    .update(
      `MerchantId=${merchantId}&OrderId=${orderId}&Amount=1.00&Currency=RUB&PrivateSecurityKey=${privateSecurityKey}`,
    )
    .digest('hex');
  return [
    { name: 'MerchantId', value: String(merchantId) },
    { name: 'OrderId', value: orderId },
    { name: 'Amount', value: '1.00' },
    { name: 'Currency', value: 'RUB' },
    { name: 'SecurityKey', value: securityKey },
    { name: 'ContentType', value: 'text' },
    { name: 'Ip', value: '203.0.113.7' },
    { name: 'CardHolderName', value: '', substitute: 'name' },
    { name: 'CardNumber', value: '', substitute: 'number' },
    { name: 'CardExpDate', value: '', substitute: 'expires' },
    { name: 'CardCvv', value: '', substitute: 'cvv' },
    { name: 'Email', value: '', substitute: 'mail' },
    { name: 'Country', value: '', substitute: 'country' },
  ];
}

export const payonlineInit: Scenario = {
  id: '6',
  title: 'PayOnline init throughput (no network)',
  async run({ quick }) {
    const provider = new PayOnlineProvider(PayOnlineConfig.parse(CONFIG), {
      logger: silentLogger,
      clock: systemClock,
    });
    // A fresh container (and in-memory store) per round, so the store does not grow across rounds.
    const freshService = (): CardBindingService => {
      const container = new Container();
      container.load(cardBindingModule(), payonlineModule(CONFIG));
      return container.get(CardBindingService);
    };
    const customer = { id: 'customer-1', ip: '203.0.113.7' };
    const now = new Date();

    const samples = await interleave(
      [
        { name: 'bare', run: () => microsecondsPerOp((index) => bareAuthParams(`cb-bnd_${index}`)) },
        {
          name: 'provider.init',
          run: () =>
            microsecondsPerOp((index) =>
              provider.init({ bindingId: `bnd_${index}`, customer, metadata: {}, now }),
            ),
        },
        {
          // Nothing goes on the wire; this adds the service: input parsing, outcome validation, the store.
          name: 'service.start',
          run: () => {
            const service = freshService();
            return microsecondsPerOp(() => service.start({ provider: 'payonline', customer }));
          },
        },
      ],
      { warmup: 3, rounds: quick ? 5 : 11 },
    );
    const bare = samples['bare'] ?? [];
    const toOps = (microseconds: number[]): number[] => microseconds.map((us) => 1_000_000 / us);
    const row = (name: string, label: string): ResultRow => {
      const candidate = samples[name] ?? [];
      return {
        scenario: '6',
        case: label,
        candidate: spread(summarise(toOps(candidate)), opsPerSecond),
        baseline: `MD5 + array ${opsPerSecond(summarise(toOps(bare)).p50)}`,
        ratio: ratioSummary(candidate, bare),
        verdict: 'info',
        data: { microsecondsPerOp: summarise(candidate), baselineMicrosecondsPerOp: summarise(bare) },
      };
    };
    return [
      row('provider.init', 'PayOnline provider.init (params + SecurityKey)'),
      row('service.start', 'service.start with PayOnline (+ validation, store)'),
    ];
  },
};
