import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  bindCardBindingProvider,
  type CallbackResult,
  CardBindingError,
  type CardBindingProvider,
  createHttpClient,
  type HttpClient,
  type HttpTimeouts,
  type Logger,
  maskPan,
  type ProviderCallbackContext,
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
  | 'ignoresTimeouts'
  | 'acceptsAnySignature'
  | 'untranscriptedRequest';

export interface MiniPayConfig {
  baseUrl: string;
  apiKey: string;
  webhookSecret: string;
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
const Webhook = z.object({
  event_id: z.string(),
  session_id: z.string(),
  status: z.enum(['succeeded', 'declined']),
});
const ACKNOWLEDGED = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };

/** MiniPay signs the raw body: `sha256=<hex HMAC-SHA-256>`, compared in constant time. */
function isSigned(secret: Secret, rawBody: string, given: string): boolean {
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret.reveal()).update(rawBody).digest('hex')}`,
  );
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function rawText(rawBody: ProviderCallbackContext['request']['rawBody']): string {
  if (rawBody === undefined) return '';
  return typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
}

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
export class MiniPayProvider implements CardBindingProvider {
  readonly id = 'minipay';
  readonly #http: HttpClient;
  readonly #apiKey: Secret;
  readonly #webhookSecret: Secret;

  constructor(
    private readonly config: MiniPayConfig,
    private readonly logger: Logger,
  ) {
    // The defect: the suite's short timeouts are dropped, so a hung gateway holds a call for 15 s+.
    const timeouts = config.defect === 'ignoresTimeouts' ? undefined : config.timeouts;
    this.#http = createHttpClient({ name: 'minipay', logger, ...(timeouts ? { timeouts } : {}) });
    this.#apiKey = new Secret(config.apiKey);
    this.#webhookSecret = new Secret(config.webhookSecret);
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
      lookupKeys: [created.session_id],
    };
  }

  /** A signed webhook says "look": the status API decides, as finalise does. */
  async handleCallback(ctx: ProviderCallbackContext): Promise<CallbackResult> {
    const raw = rawText(ctx.request.rawBody);
    const signature = ctx.request.headers['x-minipay-signature'] ?? '';
    // The defect: the signature is never checked, so anyone can post a webhook.
    if (this.config.defect !== 'acceptsAnySignature' && !isSigned(this.#webhookSecret, raw, signature)) {
      throw new CardBindingError('CALLBACK_REJECTED', 'The MiniPay webhook is not signed correctly');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new CardBindingError('CALLBACK_REJECTED', 'The MiniPay webhook is not JSON');
    }
    const webhook = Webhook.safeParse(body);
    if (!webhook.success) throw new CardBindingError('CALLBACK_REJECTED', 'The MiniPay webhook is malformed');
    const binding = await ctx.findBinding(webhook.data.session_id);
    if (!binding) return { response: ACKNOWLEDGED };
    return {
      response: ACKNOWLEDGED,
      update: { bindingId: binding.bindingId, outcome: await this.#finalise(binding) },
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
    if (this.config.defect === 'untranscriptedRequest') {
      // The defect: a "quick look" past the transcripted client, so nobody sees what it sent or got.
      await fetch(`${this.config.baseUrl}/api/sessions/${sessionId}`, { headers: this.#headers })
        .then((answer) => answer.text())
        .catch(() => undefined);
    }
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
