import {
  bindCardBindingProvider,
  CardBindingError,
  type CardBindingProvider,
  createHttpClient,
  type HttpClient,
  type HttpTimeouts,
  type Logger,
  maskPan,
  type ProviderContext,
  type InitOutcome,
  type ProviderOutcome,
  Secret,
} from '@cardbind/core';
import { ContainerModule } from 'inversify';
import { z } from 'zod';

/** The defects the bite tests plant, one at a time. */
export type MiniPayDefect =
  | 'logsCardNumber'
  | 'unmaskedDisplay'
  | 'httpPageUrl'
  | 'declinesOn5xx'
  | 'nonIdempotentSave'
  | 'ignoresTimeouts';

export interface MiniPayConfig {
  baseUrl: string;
  apiKey: string;
  timeouts: HttpTimeouts;
  defect?: MiniPayDefect;
}

const Ref = z.object({ sessionId: z.string() });
const Created = z.object({ session_id: z.string(), page_url: z.string().url() });
const Status = z.object({
  status: z.enum(['open', 'succeeded', 'declined']),
  decline_code: z.string().optional(),
  card: z.object({ number: z.string(), expiry: z.string(), holder: z.string() }).optional(),
});
const Saved = z.object({ token: z.string().min(1) });

function parseJson<T>(schema: z.ZodType<T>, body: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new CardBindingError('PROVIDER_UNAVAILABLE', `MiniPay answered ${what} with something not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new CardBindingError('PROVIDER_UNAVAILABLE', `MiniPay's ${what} answer is malformed`);
  return parsed.data;
}

/** A correct provider for MiniPay, unless a defect is planted. */
class MiniPayProvider implements CardBindingProvider {
  readonly id = 'minipay';
  readonly #http: HttpClient;
  readonly #apiKey: Secret;

  constructor(
    private readonly config: MiniPayConfig,
    private readonly logger: Logger,
  ) {
    // The defect: the suite's short timeouts are dropped, so a hung gateway holds a call for 15 s+.
    const timeouts = config.defect === 'ignoresTimeouts' ? undefined : config.timeouts;
    this.#http = createHttpClient({ name: 'minipay', logger, ...(timeouts ? { timeouts } : {}) });
    this.#apiKey = new Secret(config.apiKey);
  }

  get #headers(): Record<string, string> {
    return { authorization: `Bearer ${this.#apiKey.reveal()}` };
  }

  async init(ctx: Parameters<CardBindingProvider['init']>[0]): Promise<InitOutcome> {
    const response = await this.#http.request({
      method: 'POST',
      url: `${this.config.baseUrl}/api/sessions`,
      headers: this.#headers,
      form: { customer_id: ctx.customer.id, return_url: ctx.returnUrl ?? '' },
    });
    if (response.statusCode >= 400) {
      throw new CardBindingError('PROVIDER_REJECTED', 'MiniPay refused to open a session', {
        providerCode: `HTTP_${response.statusCode}`,
      });
    }
    const created = parseJson(Created, response.body, 'session');
    const url =
      this.config.defect === 'httpPageUrl'
        ? `http://pay.minipay.example/pay/${created.session_id}`
        : created.page_url;
    return {
      status: 'requires_action',
      action: { type: 'redirect', url, method: 'GET' },
      providerRef: { sessionId: created.session_id },
    };
  }

  async finalise(ctx: ProviderContext): Promise<ProviderOutcome> {
    try {
      return await this.#finalise(ctx);
    } catch (error) {
      if (this.config.defect === 'declinesOn5xx' && CardBindingError.is(error, 'PROVIDER_UNAVAILABLE')) {
        return { status: 'failed', error: new CardBindingError('CARD_DECLINED', 'The card was declined') };
      }
      throw error;
    }
  }

  async #finalise(ctx: ProviderContext): Promise<ProviderOutcome> {
    const { sessionId } = Ref.parse(ctx.providerRef);
    const response = await this.#http.request({
      method: 'GET',
      url: `${this.config.baseUrl}/api/sessions/${sessionId}`,
      headers: this.#headers,
      safeToRetry: true,
    });
    const status = parseJson(Status, response.body, 'status');
    if (status.status === 'open') return { status: 'pending' };
    if (status.status === 'declined') {
      return {
        status: 'failed',
        error: new CardBindingError('CARD_DECLINED', 'The issuer declined the card', {
          providerCode: status.decline_code ?? 'declined',
        }),
      };
    }
    if (!status.card)
      throw new CardBindingError('PROVIDER_UNAVAILABLE', 'MiniPay reported success without a card');
    const saved = await this.#http.request({
      method: 'POST',
      url: `${this.config.baseUrl}/api/sessions/${sessionId}/card`,
      headers:
        this.config.defect === 'nonIdempotentSave'
          ? this.#headers
          : { ...this.#headers, 'idempotency-key': `keep-${ctx.bindingId}` },
      form: {},
    });
    const { token } = parseJson(Saved, saved.body, 'keep-card');
    if (this.config.defect === 'logsCardNumber') {
      // Core masks digit runs in log messages, so the leak is one its redaction cannot see: the number
      // grouped with dots, as a careless "pretty" debug line would print it.
      const dotted = status.card.number.replace(/(\d{4})(?=\d)/g, '$1.');
      this.logger.info({ bindingId: ctx.bindingId }, `MiniPay saved card ${dotted}`);
    }
    const maskedPan =
      this.config.defect === 'unmaskedDisplay' ? status.card.number : maskPan(status.card.number);
    return { status: 'succeeded', card: { token, display: { maskedPan, holder: status.card.holder } } };
  }
}

export function miniPayModule(config: MiniPayConfig): ContainerModule {
  return new ContainerModule((load) =>
    bindCardBindingProvider(load, 'minipay', ({ logger }) => new MiniPayProvider(config, logger)),
  );
}
