import { randomUUID } from 'node:crypto';
import {
  completeAddSession,
  type PayOnlineEmulator,
  TEST_CARDS,
  type TestCard,
} from '@cardbind/testing/emulators';
import { ErrorBody } from '../../src/shared/api-types.js';
import {
  ChargeEnvelope,
  ChargesEnvelope,
  type ChargeView,
  RefundEnvelope,
  RefundsEnvelope,
  type RefundView,
} from '../../src/shared/charge-api-types.js';
import { type ApiAnswer, HostApi, payOnlineForm, postPayOnlineForm } from './host-api.js';
import type { TestHost } from './test-host.js';

export type ProviderId = 'payture' | 'payonline';

/**
 * A host in a process of its own (a cluster instance): its URL, and the test's PayOnline emulator, whose
 * callbacks a binding waits for before it polls.
 */
export interface RemoteHost {
  readonly url: string;
  readonly payonline: Pick<PayOnlineEmulator, 'callbacksSettled'>;
}

/**
 * The charge routes over real HTTP, as the page calls them, plus what a test needs before it can
 * charge: a customer with a card saved through either provider's emulator.
 */
export class ChargeClient {
  readonly api: HostApi;

  constructor(readonly host: TestHost | RemoteHost) {
    this.api = new HostApi(host.url);
  }

  /** Binds `number` for the customer through the provider's emulator; answers the saved card's id. */
  async bindCard(cookie: string, provider: ProviderId, number: string): Promise<string> {
    const started = await this.api.start(cookie, provider);
    if (provider === 'payonline') {
      const card: TestCard = { ...TEST_CARDS.success, number };
      await postPayOnlineForm(payOnlineForm(started, card));
      await (
        'demo' in this.host ? this.host.demo.providers.payonline : this.host.payonline
      )?.callbacksSettled();
    } else {
      if (started.nextAction?.type !== 'redirect') throw new Error('Payture sends the customer away');
      const page = await completeAddSession(started.nextAction.url, { number });
      if (page.location === undefined) throw new Error('the Add page did not send the customer back');
      await this.api.paytureReturn(cookie, page.location);
    }
    const binding = await this.api.settled(cookie, started.id);
    if (binding.status !== 'succeeded' || binding.card === undefined) {
      throw new Error(`binding ${started.id} ended ${binding.status}`);
    }
    return binding.card.id;
  }

  /** `POST /api/cards/:id/charges`; a fresh key unless the test gives one (`null`: no header at all). */
  chargeRequest(
    cookie: string,
    cardId: string,
    body: unknown = { amount: '10.00' },
    idempotencyKey: string | null = randomUUID(),
  ): Promise<ApiAnswer> {
    return this.api.request(`/api/cards/${encodeURIComponent(cardId)}/charges`, {
      method: 'POST',
      cookie,
      json: body,
      ...(idempotencyKey === null ? {} : { headers: { 'idempotency-key': idempotencyKey } }),
    });
  }

  async charge(cookie: string, cardId: string, body?: unknown, idempotencyKey?: string): Promise<ChargeView> {
    return ChargeEnvelope.parse(
      expectStatus(await this.chargeRequest(cookie, cardId, body, idempotencyKey), 201),
    ).charge;
  }

  async get(cookie: string, chargeId: string): Promise<ChargeView> {
    const answer = await this.api.request(`/api/charges/${encodeURIComponent(chargeId)}`, { cookie });
    return ChargeEnvelope.parse(expectStatus(answer, 200)).charge;
  }

  async list(cookie: string): Promise<ChargeView[]> {
    return ChargesEnvelope.parse(expectStatus(await this.api.request('/api/charges', { cookie }), 200))
      .charges;
  }

  /** Polls a charge until it is no longer `processing`. */
  async settled(cookie: string, chargeId: string, timeoutMs = 10_000): Promise<ChargeView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const charge = await this.get(cookie, chargeId);
      if (charge.status !== 'processing') return charge;
      if (Date.now() > deadline) throw new Error(`charge ${chargeId} still processing after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  refundRequest(
    cookie: string,
    chargeId: string,
    body: unknown = {},
    idempotencyKey: string = randomUUID(),
  ): Promise<ApiAnswer> {
    return this.api.request(`/api/charges/${encodeURIComponent(chargeId)}/refunds`, {
      method: 'POST',
      cookie,
      json: body,
      headers: { 'idempotency-key': idempotencyKey },
    });
  }

  async refund(cookie: string, chargeId: string, body?: unknown): Promise<RefundView> {
    return RefundEnvelope.parse(expectStatus(await this.refundRequest(cookie, chargeId, body), 201)).refund;
  }

  async refunds(cookie: string, chargeId: string): Promise<RefundView[]> {
    const answer = await this.api.request(`/api/charges/${encodeURIComponent(chargeId)}/refunds`, { cookie });
    return RefundsEnvelope.parse(expectStatus(answer, 200)).refunds;
  }
}

export function expectStatus(answer: ApiAnswer, status: number): unknown {
  if (answer.status !== status)
    throw new Error(`expected HTTP ${status}, got ${answer.status}: ${answer.text}`);
  return answer.json;
}

export function errorOf(answer: ApiAnswer): { status: number; code: string } {
  return { status: answer.status, code: ErrorBody.parse(answer.json).error.code };
}
