import type { ConformanceOptions } from '../../src/index.js';
import { MINIPAY_CHARGE_DECLINE_CARD } from './mini-pay-charges.js';
import { type MiniPayChargingDefect, miniPayChargingModule } from './mini-pay-charging.js';
import {
  MINIPAY_API_KEY,
  MINIPAY_WEBHOOK_SECRET,
  miniPayConformance,
  payOnHostedPage,
} from './mini-pay-conformance.js';
import type { MiniPayGateway } from './mini-pay-gateway.js';

/** MiniPay with charging declared in full: every charging case runs. */
export function miniPayChargingConformance(
  defect?: MiniPayChargingDefect,
): ConformanceOptions<MiniPayGateway> {
  return {
    ...miniPayConformance(),
    name: defect ? `MiniPay charging with ${defect}` : 'MiniPay charging',
    createModules: (env) => [
      miniPayChargingModule({
        baseUrl: env.baseUrl,
        apiKey: MINIPAY_API_KEY,
        webhookSecret: MINIPAY_WEBHOOK_SECRET,
        timeouts: env.httpTimeouts,
        ...(defect ? { chargingDefect: defect } : {}),
      }),
    ],
    charging: {
      debits: ({ backend }) => backend.charges.debits,
      bindDecliningCard: (ctx) => payOnHostedPage(ctx, MINIPAY_CHARGE_DECLINE_CARD),
      loseChargeAnswer: ({ backend, orderId }) => backend.charges.loseAnswer(orderId),
      refunds: true,
    },
  };
}
