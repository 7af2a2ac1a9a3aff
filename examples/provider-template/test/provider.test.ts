import { captureFlow, expectNoSecrets, TEST_CARDS, type TestCard } from '@cardbind/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '@cardbind/core';
import { notificationSignature, toyPayModule } from '../src/index.js';
import { payOnHostedPage, TOYPAY_CHARGE_DECLINE_CARD } from '../src/emulator/index.js';
import { API_KEY, customer, startWorld, WEBHOOK_SECRET, type World } from './world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function started(w: World) {
  const binding = await w.service.start({
    provider: 'toypay',
    customer,
    returnUrl: `${w.host.baseUrl}/return`,
  });
  if (binding.nextAction?.type !== 'redirect') throw new Error('expected a redirect');
  return { binding, pageUrl: binding.nextAction.url };
}

/** A card bound with `card`, ready to charge. */
async function savedCard(w: World, card: TestCard): Promise<string> {
  const { binding, pageUrl } = await started(w);
  await payOnHostedPage(pageUrl, card);
  const done = await w.service.finalise(binding.id);
  if (!done.card) throw new Error(`binding ended ${done.status}`);
  return done.card.id;
}

const EUR = (minor: number) => ({ minor, currency: 'EUR' });

describe('toyPayModule configuration', () => {
  const valid = { baseUrl: 'https://api.toypay.example', apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET };

  it('accepts a complete configuration', () => {
    expect(() => toyPayModule(valid)).not.toThrow();
  });

  it('fails at once with CONFIG_INVALID naming the missing field', () => {
    expect(() => toyPayModule({ ...valid, apiKey: '' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', field: 'apiKey' }),
    );
  });

  it('refuses a plain-http gateway unless it is loopback and allowed, never printing a secret', () => {
    const error = (() => {
      try {
        toyPayModule({ ...valid, baseUrl: 'http://api.toypay.example' });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', field: 'baseUrl' });
    expect(JSON.stringify(error) + String(error)).not.toContain(API_KEY);
    expect(() => toyPayModule({ ...valid, baseUrl: 'http://127.0.0.1:9' })).toThrow(
      expect.objectContaining({ field: 'baseUrl' }),
    );
    expect(() =>
      toyPayModule({ ...valid, baseUrl: 'http://127.0.0.1:9', allowLoopbackHttp: true }),
    ).not.toThrow();
  });
});

describe('the ToyPay provider', () => {
  it('never trusts the return URL: "result=succeeded" on an unpaid session is only processing', async () => {
    world = await startWorld();
    const { binding } = await started(world);
    const done = await world.service.finalise(binding.id, {
      query: { result: 'succeeded', session_id: 'x' },
    });
    expect(done.status).toBe('processing');
    expect(await world.service.listCards(customer.id)).toEqual([]);
  });

  it('completes a binding from a signed notification alone, pulling the result from the status API', async () => {
    world = await startWorld();
    const { binding, pageUrl } = await started(world);
    const back = await payOnHostedPage(pageUrl, TEST_CARDS.success);
    expect(back.searchParams.get('result')).toBe('succeeded');
    expect(world.toypay.notifications).toEqual([
      { event: 'session.succeeded', sessionId: expect.any(String), status: 200 },
    ]);
    const done = await world.service.get(binding.id);
    expect(done.status).toBe('succeeded');
    expect(done.card?.display).toEqual({
      maskedPan: '411111******1111',
      expiry: '12/30',
      holder: 'IVAN IVANOV',
      brand: 'Visa',
    });
  });

  it('rejects a forged notification and leaves the binding alone', async () => {
    world = await startWorld({ emulator: { notifyUrl: undefined } });
    const { binding, pageUrl } = await started(world);
    await payOnHostedPage(pageUrl, TEST_CARDS.success);
    const sessionId = new URL(pageUrl).pathname.split('/').pop() ?? '';
    const forged = await world.service.handleCallback('toypay', {
      method: 'POST',
      headers: {
        'x-toypay-signature': notificationSignature(
          new Secret('not-the-secret'),
          'session.succeeded',
          sessionId,
        ),
      },
      body: { event: 'session.succeeded', session_id: sessionId },
    });
    expect(forged.response.status).toBe(400);
    expect(forged.error).toMatchObject({ code: 'CALLBACK_REJECTED' });
    expect((await world.service.get(binding.id)).status).toBe('requires_action');
  });

  it.each([
    [TEST_CARDS.decline, 'CARD_DECLINED', 'do_not_honor'],
    [TEST_CARDS.insufficientFunds, 'CARD_DECLINED', 'insufficient_funds'],
  ])("maps a decline to a typed failure that keeps ToyPay's code (%#)", async (card, code, providerCode) => {
    world = await startWorld();
    const { binding, pageUrl } = await started(world);
    await payOnHostedPage(pageUrl, card);
    const done = await world.service.finalise(binding.id);
    expect(done).toMatchObject({ status: 'failed', failure: { code, providerCode, retryable: false } });
  });

  it("types ToyPay's own refusals and broken answers", async () => {
    world = await startWorld();
    const { binding } = await started(world);
    world.toypay.faults.arm('get-session', { kind: 'reject', code: 'session_not_found' }, { times: 1 });
    await expect(world.service.finalise(binding.id)).rejects.toMatchObject({
      code: 'PROVIDER_REJECTED',
      providerCode: 'session_not_found',
      retryable: false,
    });
    world.toypay.faults.arm('get-session', { kind: 'reject', code: 'rate_limited' }, { times: 1 });
    await expect(world.service.finalise(binding.id)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'rate_limited',
      retryable: true,
    });
    world.toypay.faults.arm('get-session', { kind: 'malformed' }, { times: 1 });
    await expect(world.service.finalise(binding.id)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      retryable: true,
    });
    expect((await world.service.get(binding.id)).status).toBe('requires_action');
  });

  it('retries a lost session creation safely: the idempotency key gives back the same session', async () => {
    world = await startWorld();
    world.toypay.faults.arm('create-session', { kind: 'reset' }, { times: 1 });
    const { binding } = await started(world);
    expect(binding.status).toBe('requires_action');
    expect(world.toypay.faults.hits('create-session')).toBe(2);
  });

  it('refuses a hosted-page URL that is not https, before any customer sees it', async () => {
    world = await startWorld({ emulator: { pageOrigin: 'http://pay.toypay.example' } });
    await expect(world.service.start({ provider: 'toypay', customer })).rejects.toMatchObject({
      code: 'INSECURE_URL',
    });
  });

  it('removes a saved card at ToyPay too', async () => {
    world = await startWorld();
    const { binding, pageUrl } = await started(world);
    await payOnHostedPage(pageUrl, TEST_CARDS.success);
    const done = await world.service.finalise(binding.id);
    expect(world.toypay.cardsFor(customer.id)).toBe(1);
    await world.service.removeCard(customer.id, done.card?.id ?? '');
    expect(world.toypay.cardsFor(customer.id)).toBe(0);
    expect(await world.service.listCards(customer.id)).toEqual([]);
  });

  it('keeps the API key, the webhook secret and the card out of everything it logs', async () => {
    const captured = captureFlow();
    world = await startWorld({ core: { logger: captured.logger } });
    const { binding, pageUrl } = await started(world);
    await payOnHostedPage(pageUrl, TEST_CARDS.success);
    captured.record('binding', await world.service.finalise(binding.id));
    expect(captured.transcript.length).toBeGreaterThan(0);
    expect(() =>
      expectNoSecrets(captured, [API_KEY, WEBHOOK_SECRET, TEST_CARDS.success.number]),
    ).not.toThrow();
  });
});

describe('charging with ToyPay', () => {
  it("declines with ToyPay's advice: no new charge on the card for a day, and nothing debited", async () => {
    const w = await startWorld();
    world = w;
    const cardId = await savedCard(w, TOYPAY_CHARGE_DECLINE_CARD);
    const declined = await w.charges.charge({
      customerId: customer.id,
      cardId,
      amount: EUR(500),
      idempotencyKey: 'sub-1',
    });
    expect(declined).toMatchObject({
      status: 'failed',
      failure: { code: 'CARD_DECLINED', providerCode: 'insufficient_funds', retryable: true },
    });
    expect(declined.failure?.notBefore?.getTime()).toBe(declined.createdAt.getTime() + 24 * 60 * 60_000);
    await expect(
      w.charges.charge({ customerId: customer.id, cardId, amount: EUR(500), idempotencyKey: 'sub-2' }),
    ).rejects.toMatchObject({ code: 'RETRY_NOT_ALLOWED', providerCode: 'insufficient_funds' });
    expect(w.toypay.charges.debits()).toEqual([]);
  });

  it('tells a refusal (nothing taken: failed) from an unreadable answer (unknown: processing)', async () => {
    const w = await startWorld();
    world = w;
    const cardId = await savedCard(w, TEST_CARDS.success);
    const charge = (idempotencyKey: string) =>
      w.charges.charge({ customerId: customer.id, cardId, amount: EUR(500), idempotencyKey });
    w.toypay.faults.arm('create-charge', { kind: 'reject', code: 'invalid_api_key' }, { times: 1 });
    expect(await charge('a')).toMatchObject({
      status: 'failed',
      failure: { code: 'CONFIG_INVALID', providerCode: 'invalid_api_key' },
    });
    w.toypay.faults.arm('create-charge', { kind: 'malformed' }, { times: 1 });
    expect(await charge('b')).toMatchObject({ status: 'processing' });
    // Neither request was retried: a debit is sent once.
    expect(w.toypay.faults.hits('create-charge')).toBe(2);
    expect(w.toypay.charges.debits()).toEqual([]);
  });

  it("keeps a refund's refusal as ToyPay's code, and refunds what is left", async () => {
    const w = await startWorld();
    world = w;
    const cardId = await savedCard(w, TEST_CARDS.success);
    const charge = await w.charges.charge({
      customerId: customer.id,
      cardId,
      amount: EUR(500),
      idempotencyKey: 'c',
    });
    w.toypay.faults.arm('create-refund', { kind: 'reject', code: 'charge_not_refundable' }, { times: 1 });
    expect(await w.charges.refund(charge.id, { idempotencyKey: 'r1' })).toMatchObject({
      status: 'failed',
      failure: { code: 'INVALID_STATE', providerCode: 'charge_not_refundable' },
    });
    expect(await w.charges.refund(charge.id, { idempotencyKey: 'r2' })).toMatchObject({
      status: 'succeeded',
      amount: EUR(500),
    });
    expect(w.toypay.charges.ledger.map((entry) => [entry.kind, entry.amount])).toEqual([
      ['debit', 500],
      ['refund', 500],
    ]);
  });
});

describe('telemetry', () => {
  it('names every ToyPay call in the transcript (and so in its span, `cardbind.command`)', async () => {
    const captured = captureFlow();
    const w = await startWorld({ core: { logger: captured.logger } });
    world = w;
    const cardId = await savedCard(w, TEST_CARDS.success);
    const charge = await w.charges.charge({
      customerId: customer.id,
      cardId,
      amount: EUR(500),
      idempotencyKey: 't',
    });
    await w.charges.refund(charge.id, { idempotencyKey: 't-r' });
    // A lost answer leaves the charge processing: refreshing it asks ToyPay about the order.
    w.toypay.faults.arm('create-charge', { kind: 'reset' }, { times: 1 });
    const lost = await w.charges.charge({
      customerId: customer.id,
      cardId,
      amount: EUR(500),
      idempotencyKey: 'l',
    });
    await w.charges.refresh(lost.id);
    await w.service.removeCard(customer.id, cardId);
    const commands = captured.transcript.map((entry) => entry['command']);
    expect(new Set(commands)).toEqual(
      new Set([
        'create-session',
        'get-session',
        'create-charge',
        'get-charge',
        'create-refund',
        'delete-card',
      ]),
    );
  });
});
