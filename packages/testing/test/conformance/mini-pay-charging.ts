import { randomBytes } from 'node:crypto';
import {
  bindCardBindingProvider,
  CardBindingError,
  type ChargeCheckOutcome,
  type ChargeOutcome,
  createHttpClient,
  type HttpClient,
  type HttpResponse,
  type Logger,
  type ProviderChargeContext,
  type ProviderChargeStateContext,
  type ProviderRefundContext,
  type RefundOutcome,
} from '@cardbind/core';
import { ContainerModule } from 'inversify';
import { z } from 'zod';
import { type MiniPayConfig, MiniPayProvider } from './mini-pay-provider.js';

/** The charging defects the bite tests plant, one at a time. */
export type MiniPayChargingDefect =
  /** Sends an order id of its own instead of ctx.orderId. */
  | 'ignoresOrderId'
  /** Reports a declined charge as succeeded. */
  | 'succeedsOnDecline'
  /** Keeps the charge being sent on the instance, so concurrent charges overwrite each other's. */
  | 'sharedChargeState'
  /** Turns a 5xx (the gateway may have debited) into a decline. */
  | 'failsOn5xx'
  /** When the debit request throws, sends it again under a fresh order id. */
  | 'resendsOnThrow'
  /** "Checks" a charge by sending the debit again. */
  | 'checkResends'
  /** Answers `failed` for an order the gateway does not know. */
  | 'failsUnknownOrder'
  /** Reports a refused refund as succeeded. */
  | 'succeedsOverRefund'
  /** Logs the card token in a message. */
  | 'logsCardToken';

export interface MiniPayChargingConfig extends MiniPayConfig {
  chargingDefect?: MiniPayChargingDefect;
}

const ChargeAnswer = z.discriminatedUnion('status', [
  z.object({ status: z.literal('succeeded') }),
  z.object({ status: z.literal('declined'), decline_code: z.string() }),
]);
const RefundAnswer = z.object({ status: z.literal('succeeded') });
const MiniPayError = z.object({ error: z.string() });

/** MiniPay's JSON, or PROVIDER_UNAVAILABLE: an answer we cannot read says nothing about the money. */
function readJson<T>(schema: z.ZodType<T>, response: HttpResponse, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(response.body);
  } catch {
    throw new CardBindingError('PROVIDER_UNAVAILABLE', `MiniPay answered ${what} with something not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new CardBindingError('PROVIDER_UNAVAILABLE', `MiniPay's ${what} answer is malformed`);
  return parsed.data;
}

/** A MiniPay refusal (4xx with its error body): MiniPay took nothing, so the answer is known. */
function refusal(response: HttpResponse, what: string): CardBindingError | undefined {
  if (response.statusCode < 400) return undefined;
  const body = readJson(MiniPayError, response, what);
  return new CardBindingError('PROVIDER_REJECTED', `MiniPay refused ${what}`, { providerCode: body.error });
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * MiniPay with charging: the binding flow of MiniPayProvider plus `charge`, `checkCharge` and
 * `refund` on MiniPay's charge API, correct unless a charging defect is planted.
 */
class ChargingMiniPayProvider extends MiniPayProvider {
  readonly #http: HttpClient;
  readonly #auth: Record<string, string>;
  readonly #log: Logger;
  /** Only the `sharedChargeState` defect uses it: per-charge state belongs in the call, never here. */
  #sending: ProviderChargeContext | undefined;

  constructor(
    private readonly charging: MiniPayChargingConfig,
    logger: Logger,
  ) {
    super(charging, logger);
    this.#http = createHttpClient({ name: 'minipay', logger, timeouts: charging.timeouts });
    this.#auth = { authorization: `Bearer ${charging.apiKey}` };
    this.#log = logger;
  }

  async charge(ctx: ProviderChargeContext): Promise<ChargeOutcome> {
    const defect = this.charging.chargingDefect;
    if (defect === 'logsCardToken') {
      this.#log.info({ chargeId: ctx.chargeId }, `MiniPay charging card ${ctx.card.token}`);
    }
    if (defect === 'sharedChargeState') {
      this.#sending = ctx;
      await tick();
      return this.#debit(this.#sending ?? ctx);
    }
    const orderId = defect === 'ignoresOrderId' ? `mp_${randomBytes(8).toString('hex')}` : ctx.orderId;
    try {
      const outcome = await this.#debit({ ...ctx, orderId });
      if (defect === 'succeedsOnDecline' && outcome.status === 'failed') return { status: 'succeeded' };
      return outcome;
    } catch (error) {
      if (defect === 'failsOn5xx' && CardBindingError.is(error, 'PROVIDER_UNAVAILABLE')) {
        return { status: 'failed', error: new CardBindingError('CARD_DECLINED', 'The card was declined') };
      }
      if (defect === 'resendsOnThrow') return this.#debit({ ...ctx, orderId: `${ctx.orderId}-retry` });
      throw error;
    }
  }

  async checkCharge(ctx: ProviderChargeStateContext): Promise<ChargeCheckOutcome> {
    const defect = this.charging.chargingDefect;
    if (defect === 'checkResends') {
      await this.#debit({ ...ctx, orderId: `${ctx.orderId}-check` }).catch(() => undefined);
    }
    const response = await this.#http.request({
      method: 'GET',
      url: `${this.charging.baseUrl}/api/charges/${encodeURIComponent(ctx.orderId)}`,
      headers: this.#auth,
      safeToRetry: true,
    });
    if (response.statusCode === 404) {
      if (defect === 'failsUnknownOrder') {
        return { status: 'failed', error: new CardBindingError('PROVIDER_REJECTED', 'No such charge') };
      }
      return { status: 'not_found' };
    }
    const known = refusal(response, 'the charge status');
    if (known) throw known;
    return toOutcome(readJson(ChargeAnswer, response, 'charge status'));
  }

  async refund(ctx: ProviderRefundContext): Promise<RefundOutcome> {
    const response = await this.#http.request({
      method: 'POST',
      url: `${this.charging.baseUrl}/api/charges/${encodeURIComponent(ctx.charge.orderId)}/refunds`,
      headers: this.#auth,
      form: { refund_id: ctx.refundId, amount: String(ctx.amount.minor) },
    });
    const refused = refusal(response, 'the refund');
    if (refused) {
      if (this.charging.chargingDefect === 'succeedsOverRefund') return { status: 'succeeded' };
      return { status: 'failed', error: refused };
    }
    readJson(RefundAnswer, response, 'refund');
    return { status: 'succeeded' };
  }

  /** One debit request. Never retried: a lost answer is the reconciler's to ask about. */
  async #debit(ctx: ProviderChargeContext): Promise<ChargeOutcome> {
    const response = await this.#http.request({
      method: 'POST',
      url: `${this.charging.baseUrl}/api/charges`,
      headers: this.#auth,
      form: {
        order_id: ctx.orderId,
        card_token: ctx.card.token,
        amount: String(ctx.amount.minor),
        currency: ctx.amount.currency,
      },
    });
    const refused = refusal(response, 'the charge');
    if (refused) return { status: 'failed', error: refused };
    return toOutcome(readJson(ChargeAnswer, response, 'charge'));
  }
}

function toOutcome(answer: z.infer<typeof ChargeAnswer>): ChargeOutcome {
  if (answer.status === 'succeeded') return { status: 'succeeded' };
  return {
    status: 'failed',
    error: new CardBindingError('CARD_DECLINED', 'The issuer declined the charge', {
      providerCode: answer.decline_code,
    }),
  };
}

export function miniPayChargingModule(config: MiniPayChargingConfig): ContainerModule {
  return new ContainerModule((load) =>
    bindCardBindingProvider(load, 'minipay', ({ logger }) => new ChargingMiniPayProvider(config, logger)),
  );
}
