import { randomUUID } from 'node:crypto';
import { RedirectAction } from '@cardbind/core/client';
import { PAYONLINE_CHARGE_CARDS, PAYTURE_MAGIC_CARDS, TEST_CARDS } from '@cardbind/testing/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowserScript } from '../src/browser-bundle.js';
import { ChargeEnvelope } from '../src/shared/charge-api-types.js';
import { ChargeClient, errorOf } from './support/charge-client.js';
import { startTestHost, type TestHost } from './support/test-host.js';

// The charge routes over real HTTP, against the real app on both providers' emulators. The reconciler
// runs in the app's worker; its first check of a lost answer comes after 300 ms instead of a minute.
let host: TestHost;
let client: ChargeClient;

beforeAll(async () => {
  host = await startTestHost(
    { CHARGE_RECONCILE_AFTER_MS: '300', WORKER_IDLE_MS: '100' },
    { script: await bundleBrowserScript() },
  );
  client = new ChargeClient(host);
}, 60_000);

afterAll(async () => {
  await host?.close();
});

function paytureDebits(chargeId: string): number {
  return host.demo.providers.payture?.debits(chargeId).count ?? -1;
}

function settlePayOnlineCharge(chargeId: string): void {
  const emulator = host.demo.providers.payonline;
  for (const transaction of emulator?.order(chargeId) ?? []) emulator?.settle(transaction.id);
}

function payOnlineDebits(chargeId: string): number {
  return host.demo.providers.payonline?.ledger(chargeId).debits ?? -1;
}

describe('charging a saved card', () => {
  it('PayOnline: charges "10.00" as 1000 kopecks once, and lists it newest first', async () => {
    const cookie = await client.api.logIn('charge-payonline');
    const cardId = await client.bindCard(cookie, 'payonline', TEST_CARDS.success.number);

    const answer = await client.chargeRequest(cookie, cardId, { amount: '10.00' });
    const charge = ChargeEnvelope.parse(answer.json).charge;
    expect(charge).toMatchObject({
      provider: 'payonline',
      status: 'succeeded',
      amount: { minor: 1000, currency: 'RUB', major: '10.00' },
      refunded: { minor: 0, major: '0.00' },
      card: { id: cardId },
    });
    expect(JSON.stringify(charge)).not.toMatch(/rebill|token/i);
    const second = await client.charge(cookie, cardId, { amount: { minor: 250, currency: 'RUB' } });
    expect(second.amount.major).toBe('2.50');
    expect((await client.list(cookie)).map((listed) => listed.id)).toEqual([second.id, charge.id]);
    expect(await client.get(cookie, charge.id)).toEqual(charge);
    expect(payOnlineDebits(charge.id)).toBe(1);
    // The audit trail names the request that charged, by the id the answer carried.
    const [created] = await host.demo.host.charges.history(charge.id);
    expect(created?.requestId).toBe(answer.headers.get('x-request-id'));
  });

  it('Payture: one key sent twice at once is one charge and one debit; another amount with it is refused', async () => {
    const cookie = await client.api.logIn('charge-twice');
    const cardId = await client.bindCard(cookie, 'payture', TEST_CARDS.success.number);
    const key = randomUUID();
    const [first, again] = await Promise.all([
      client.charge(cookie, cardId, { amount: '10.00' }, key),
      client.charge(cookie, cardId, { amount: '10.00' }, key),
    ]);
    expect(first.status).toBe('succeeded');
    expect(again.id).toBe(first.id);
    expect(await client.list(cookie)).toHaveLength(1);
    expect(paytureDebits(first.id)).toBe(1);
    expect(host.demo.providers.payture?.debits(first.id).amount).toBe(1000);

    const reused = await client.chargeRequest(cookie, cardId, { amount: '11.00' }, key);
    expect(errorOf(reused)).toEqual({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(paytureDebits(first.id)).toBe(1);
  });

  it('refuses what is not a charge before anything is sent', async () => {
    const cookie = await client.api.logIn('charge-bad-requests');
    const cardId = await client.bindCard(cookie, 'payonline', TEST_CARDS.success.number);
    const cases = [
      [await client.chargeRequest(cookie, cardId, { amount: '10.00' }, null), 400, 'BAD_REQUEST'],
      [await client.chargeRequest(cookie, cardId, { amount: 10.5 }), 400, 'BAD_REQUEST'],
      [await client.chargeRequest(cookie, cardId, { amount: '10.005' }), 400, 'AMOUNT_INVALID'],
      [await client.chargeRequest(cookie, cardId, { amount: '0.00' }), 400, 'AMOUNT_INVALID'],
      [await client.chargeRequest(cookie, cardId, { amount: 'ten' }), 400, 'AMOUNT_INVALID'],
      [await client.chargeRequest(cookie, 'card_missing'), 404, 'CARD_NOT_FOUND'],
      [
        await client.api.request(`/api/cards/${cardId}/charges`, {
          method: 'POST',
          cookie,
          json: { amount: '1.00' },
          headers: { 'idempotency-key': randomUUID(), origin: 'http://evil.example' },
        }),
        403,
        'FORBIDDEN',
      ],
      [await client.chargeRequest('', cardId), 401, 'UNAUTHENTICATED'],
    ] as const;
    for (const [answer, status, code] of cases) expect(errorOf(answer)).toEqual({ status, code });
    expect(await client.list(cookie)).toEqual([]);
  });

  it('Payture: a decline carries its reason and when to retry; a retry too early is refused', async () => {
    const cookie = await client.api.logIn('charge-declined');
    const card = PAYTURE_MAGIC_CARDS.chargeInsufficientFunds;
    const cardId = await client.bindCard(cookie, 'payture', card.number);
    const before = Date.now();
    const declined = await client.charge(cookie, cardId);
    expect(declined).toMatchObject({
      status: 'failed',
      failure: { code: 'CARD_DECLINED', providerCode: 'ISSUER_LIMIT_AMOUNT_FAIL' },
    });
    const notBefore = Date.parse(declined.failure?.notBefore ?? '');
    expect(notBefore).toBeGreaterThanOrEqual(before + 4 * 86_400_000 - 1_000);
    expect(paytureDebits(declined.id)).toBe(0);

    const early = await client.chargeRequest(cookie, cardId);
    expect(errorOf(early)).toEqual({ status: 409, code: 'RETRY_NOT_ALLOWED' });
  });

  it('PayOnline: a decline the issuer calls final says never', async () => {
    const cookie = await client.api.logIn('charge-never');
    const cardId = await client.bindCard(
      cookie,
      'payonline',
      PAYONLINE_CHARGE_CARDS.issuerDeclineFinal.number,
    );
    const declined = await client.charge(cookie, cardId);
    expect(declined).toMatchObject({
      status: 'failed',
      failure: { code: 'CARD_DECLINED', advice: { retryable: false } },
    });
    expect(declined.failure?.providerCode).toMatch(/4/);
    expect(payOnlineDebits(declined.id)).toBe(0);
  });

  it('Payture: 3-D Secure on a charge goes through the bank and back to /charges/:id/3ds', async () => {
    const cookie = await client.api.logIn('charge-3ds');
    const cardId = await client.bindCard(cookie, 'payture', PAYTURE_MAGIC_CARDS.chargeThreeDSecure.number);
    const charge = await client.charge(cookie, cardId);
    expect(charge.status).toBe('requires_action');
    const action = RedirectAction.parse(charge.nextAction);
    expect(action.fields?.TermUrl).toBe(`${new URL(host.url).origin}/charges/${charge.id}/3ds`);
    const emulator = host.demo.providers.payture;
    if (!emulator) throw new Error('no Payture emulator');

    // What the browser does: the bank's pages, then the bank's post (PaRes, MD) to the TermUrl.
    const back = await emulator.completeThreeDSecure(action);
    const returned = await fetch(back.termUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(back.fields).toString(),
      redirect: 'manual',
    });
    expect(returned.status).toBe(303);
    expect(returned.headers.get('location')).toBe(`/?charge=${charge.id}`);
    expect(await client.get(cookie, charge.id)).toMatchObject({ status: 'succeeded' });
    expect(paytureDebits(charge.id)).toBe(1);

    // The bank's post again (a reload, a replay): nothing is sent twice.
    await fetch(back.termUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(back.fields).toString(),
      redirect: 'manual',
    });
    expect(paytureDebits(charge.id)).toBe(1);
  });

  it('PayOnline: a lost answer stays processing until the worker asks, then settles with one debit', async () => {
    const cookie = await client.api.logIn('charge-lost');
    const cardId = await client.bindCard(cookie, 'payonline', PAYONLINE_CHARGE_CARDS.lostAnswer.number);
    const charge = await client.charge(cookie, cardId);
    expect((await client.settled(cookie, charge.id)).status).toBe('succeeded');
    // The POST's own answer may already be settled on a slow machine (the check comes 300 ms later):
    // the history says who settled it.
    const history = await host.demo.host.charges.history(charge.id);
    expect(history.map((row) => [row.from, row.to, row.trigger])).toEqual([
      [null, 'processing', 'charge'],
      ['processing', 'succeeded', 'reconcile'],
    ]);
    expect(payOnlineDebits(charge.id)).toBe(1);
  });
});

describe('refunds', () => {
  for (const provider of ['payture', 'payonline'] as const) {
    it(`${provider}: refunds part, then the rest, and refuses more than is left`, async () => {
      const cookie = await client.api.logIn(`refund-${provider}`);
      const cardId = await client.bindCard(cookie, provider, TEST_CARDS.success.number);
      const charge = await client.charge(cookie, cardId, { amount: '10.00' });
      // PayOnline refunds only a settled payment (a Pending one can only be voided, in full), and
      // settles direct payments within 24 hours: the emulator is told to do it now.
      if (provider === 'payonline') settlePayOnlineCharge(charge.id);

      const part = await client.refund(cookie, charge.id, { amount: '3.00' });
      expect(part).toMatchObject({ status: 'succeeded', amount: { minor: 300, major: '3.00' } });
      const over = await client.refundRequest(cookie, charge.id, { amount: '7.01' });
      expect(errorOf(over)).toEqual({ status: 409, code: 'REFUND_EXCEEDS_CHARGE' });
      const rest = await client.refund(cookie, charge.id);
      expect(rest).toMatchObject({ status: 'succeeded', amount: { minor: 700 } });
      expect(errorOf(await client.refundRequest(cookie, charge.id))).toEqual({
        status: 409,
        code: 'REFUND_EXCEEDS_CHARGE',
      });

      expect((await client.get(cookie, charge.id)).refunded).toMatchObject({ minor: 1000, major: '10.00' });
      expect((await client.refunds(cookie, charge.id)).map((refund) => refund.amount.minor).sort()).toEqual([
        300, 700,
      ]);
      const refunded =
        provider === 'payture'
          ? host.demo.providers.payture?.refunds(charge.id).amount
          : host.demo.providers.payonline?.ledger(charge.id).refundedCents;
      expect(refunded).toBe(1000);
    });
  }

  it('PayOnline: a full refund of a charge not settled yet voids it', async () => {
    const cookie = await client.api.logIn('refund-void');
    const cardId = await client.bindCard(cookie, 'payonline', TEST_CARDS.success.number);
    const charge = await client.charge(cookie, cardId, { amount: '5.00' });
    expect(await client.refund(cookie, charge.id)).toMatchObject({
      status: 'succeeded',
      amount: { minor: 500 },
    });
    expect(host.demo.providers.payonline?.ledger(charge.id)).toMatchObject({ debits: 1, voids: 1 });
    expect((await client.get(cookie, charge.id)).refunded.minor).toBe(500);
  });

  it('refunds with one key once', async () => {
    const cookie = await client.api.logIn('refund-once');
    const cardId = await client.bindCard(cookie, 'payture', TEST_CARDS.success.number);
    const charge = await client.charge(cookie, cardId);
    const key = randomUUID();
    const first = await client.refundRequest(cookie, charge.id, { amount: '1.00' }, key);
    const again = await client.refundRequest(cookie, charge.id, { amount: '1.00' }, key);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.json).toEqual(first.json);
    expect(await client.refunds(cookie, charge.id)).toHaveLength(1);
    expect(host.demo.providers.payture?.refunds(charge.id).count).toBe(1);
  });
});

describe("another customer's charges", () => {
  it('answer exactly like missing ones, and cannot be refunded or charged', async () => {
    const alice = await client.api.logIn('charges-alice');
    const bob = await client.api.logIn('charges-bob');
    const cardId = await client.bindCard(alice, 'payonline', TEST_CARDS.success.number);
    const charge = await client.charge(alice, cardId);

    const foreign = await client.api.request(`/api/charges/${charge.id}`, { cookie: bob });
    const missing = await client.api.request('/api/charges/ch_doesnotexist', { cookie: bob });
    expect(errorOf(foreign)).toEqual({ status: 404, code: 'CHARGE_NOT_FOUND' });
    expect(foreign.json).toEqual(missing.json);
    expect(errorOf(await client.api.request(`/api/charges/${charge.id}/refunds`, { cookie: bob }))).toEqual({
      status: 404,
      code: 'CHARGE_NOT_FOUND',
    });
    expect(errorOf(await client.refundRequest(bob, charge.id))).toEqual({
      status: 404,
      code: 'CHARGE_NOT_FOUND',
    });
    expect(errorOf(await client.chargeRequest(bob, cardId))).toEqual({ status: 404, code: 'CARD_NOT_FOUND' });
    expect(await client.list(bob)).toEqual([]);
    expect((await client.get(alice, charge.id)).refunded.minor).toBe(0);
    expect(payOnlineDebits(charge.id)).toBe(1);
  });
});
