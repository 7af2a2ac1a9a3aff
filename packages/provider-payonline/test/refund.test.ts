import type { ProviderChargeStateContext, SavedCard } from '@cardbind/core';
import { PAYONLINE_CHARGE_CARDS, TEST_CARDS, type TestCard } from '@cardbind/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bindCard,
  chargeContext,
  charging,
  HOUR_MS,
  md5,
  refOf,
  refundContext,
  stateContext,
} from './charge-harness.js';
import { type HarnessOptions, type PayOnlineHarness, startHarness } from './harness.js';

let harness: PayOnlineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const RUB = (minor: number) => ({ minor, currency: 'RUB' });

/** A succeeded charge of `minor` kopecks on a fresh card, as core stores it. */
async function charged(options: HarnessOptions & { card?: TestCard; minor?: number } = {}): Promise<{
  h: PayOnlineHarness;
  card: SavedCard;
  charge: ProviderChargeStateContext;
  transactionId: string;
}> {
  const h = (harness = await startHarness(options));
  const card = await bindCard(h, options.card ?? TEST_CARDS.success);
  const ctx = chargeContext(h, card, { amount: RUB(options.minor ?? 150_099) });
  const ref = refOf(await charging(h.provider()).charge(ctx));
  const transactionId = h.emulator.order(ctx.orderId)[0]?.id ?? '';
  expect(ref['transactionId']).toBe(transactionId);
  return { h, card, charge: stateContext(ctx, ref, { status: 'succeeded' }), transactionId };
}

/** Requests on a route about the charge's transaction (the binding's own void is no charge's). */
function requestsFor(h: PayOnlineHarness, route: 'void' | 'refund', transactionId: string) {
  return h.emulator.requestsTo(route).filter((request) => request.fields['TransactionId'] === transactionId);
}

const later = (charge: ProviderChargeStateContext, ms: number) => new Date(charge.createdAt.getTime() + ms);

describe('PayOnline refund: a Void while Pending, a Refund once Settled (charging.md)', () => {
  it('voids a full refund of a Pending charge younger than 24 h: the hold goes, no Refund', async () => {
    const { h, charge, transactionId } = await charged();
    const outcome = await charging(h.provider()).refund(
      refundContext(charge, charge.amount, { now: later(charge, HOUR_MS) }),
    );
    expect(outcome).toEqual({ status: 'succeeded', providerRef: { voided: true } });
    const [request] = requestsFor(h, 'void', transactionId);
    expect(request?.fields).toMatchObject({
      MerchantId: h.emulator.merchantId,
      TransactionId: transactionId,
      SecurityKey: md5(
        `MerchantId=${h.emulator.merchantId}&TransactionId=${transactionId}` +
          `&PrivateSecurityKey=${h.emulator.privateSecurityKey}`,
      ),
    });
    expect(h.emulator.order(charge.orderId)[0]?.status).toBe('Voided');
    expect(h.emulator.ledger(charge.orderId)).toMatchObject({ debits: 1, voids: 1, refunds: 0 });
    expect(requestsFor(h, 'refund', transactionId)).toHaveLength(0);
  });

  it('a full refund of a settled charge younger than 24 h: the Void is refused, Search says Settled, Refund follows', async () => {
    const { h, charge, transactionId } = await charged();
    h.emulator.settle(transactionId);
    const outcome = await charging(h.provider()).refund(
      refundContext(charge, charge.amount, { now: later(charge, 2 * HOUR_MS) }),
    );
    expect(outcome).toEqual({ status: 'succeeded' });
    expect(requestsFor(h, 'void', transactionId)).toHaveLength(1);
    const [request] = requestsFor(h, 'refund', transactionId);
    expect(request?.fields).toMatchObject({
      TransactionId: transactionId,
      Amount: '1500.99',
      SecurityKey: md5(
        `MerchantId=${h.emulator.merchantId}&TransactionId=${transactionId}&Amount=1500.99` +
          `&PrivateSecurityKey=${h.emulator.privateSecurityKey}`,
      ),
    });
    expect(h.emulator.ledger(charge.orderId)).toMatchObject({ voids: 0, refunds: 1, refundedCents: 150_099 });
  });

  it('a full refund of a charge older than 24 h goes straight to Refund', async () => {
    const { h, charge, transactionId } = await charged();
    h.emulator.settle(transactionId);
    const outcome = await charging(h.provider()).refund(
      refundContext(charge, charge.amount, { now: later(charge, 25 * HOUR_MS) }),
    );
    expect(outcome).toEqual({ status: 'succeeded' });
    expect(requestsFor(h, 'void', transactionId)).toHaveLength(0);
    expect(h.emulator.ledger(charge.orderId)).toMatchObject({ refunds: 1, refundedCents: 150_099 });
  });

  it('refuses a partial refund while the payment is Pending, saying it is possible once it settles', async () => {
    const { h, charge, transactionId } = await charged();
    const outcome = await charging(h.provider()).refund(
      refundContext(charge, RUB(10_000), { now: later(charge, HOUR_MS) }),
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'PROVIDER_REJECTED', providerCode: 'REFUND_ERROR', retryable: false },
    });
    expect(outcome.status === 'failed' && outcome.error.message).toMatch(/once it settles/);
    expect(requestsFor(h, 'void', transactionId)).toHaveLength(0);
    expect(h.emulator.ledger(charge.orderId)).toMatchObject({ voids: 0, refunds: 0 });
  });

  it('refunds in parts once settled, exactly (0.30, 0.10, the rest), and PayOnline refuses an over-refund', async () => {
    const { h, charge, transactionId } = await charged({ minor: 1_000 });
    h.emulator.settle(transactionId);
    const provider = charging(h.provider());
    const at = later(charge, 3 * HOUR_MS);
    expect(await provider.refund(refundContext(charge, RUB(30), { now: at }))).toEqual({
      status: 'succeeded',
    });
    expect(await provider.refund(refundContext(charge, RUB(10), { refundedBefore: 30, now: at }))).toEqual({
      status: 'succeeded',
    });
    expect(requestsFor(h, 'refund', transactionId).map((request) => request.fields['Amount'])).toEqual([
      '0.30',
      '0.10',
    ]);
    // Told (wrongly) that nothing was refunded before, the provider sends it; PayOnline refuses it.
    const over = await provider.refund(refundContext(charge, RUB(999), { refundedBefore: 0, now: at }));
    expect(over).toMatchObject({
      status: 'failed',
      error: { code: 'PROVIDER_REJECTED', providerCode: 'REFUND_ERROR' },
    });
    expect(over.status === 'failed' && over.error.message).not.toMatch(/settles/);
    expect(await provider.refund(refundContext(charge, RUB(960), { refundedBefore: 40, now: at }))).toEqual({
      status: 'succeeded',
    });
    expect(h.emulator.ledger(charge.orderId)).toMatchObject({ refunds: 3, refundedCents: 1_000, voids: 0 });
    expect(requestsFor(h, 'void', transactionId)).toHaveLength(0);
  });

  it("refunds a part at once when the emulator settles rebills right away (settleRebills: 'at-once')", async () => {
    const { h, charge, transactionId } = await charged({ emulator: { settleRebills: 'at-once' } });
    expect(h.emulator.order(charge.orderId)[0]?.status).toBe('Settled');
    const outcome = await charging(h.provider()).refund(refundContext(charge, RUB(99)));
    expect(outcome).toEqual({ status: 'succeeded' });
    expect(requestsFor(h, 'refund', transactionId).map((request) => request.fields['Amount'])).toEqual([
      '0.99',
    ]);
  });

  it('refuses, before any request, a refund beyond the charge and a refund in another currency', async () => {
    const { h, charge, transactionId } = await charged({ minor: 1_000 });
    const provider = charging(h.provider());
    expect(await provider.refund(refundContext(charge, RUB(600), { refundedBefore: 500 }))).toMatchObject({
      status: 'failed',
      error: { code: 'REFUND_EXCEEDS_CHARGE' },
    });
    expect(await provider.refund(refundContext(charge, { minor: 100, currency: 'USD' }))).toMatchObject({
      status: 'failed',
      error: { code: 'AMOUNT_INVALID' },
    });
    expect(requestsFor(h, 'void', transactionId)).toHaveLength(0);
    expect(requestsFor(h, 'refund', transactionId)).toHaveLength(0);
  });

  it('throws when the Void or the Refund answer is lost, sending each once', async () => {
    const { h, charge, transactionId } = await charged({ config: { retries: 2 } });
    const provider = charging(h.provider());
    h.emulator.faults.arm('void', { kind: 'reset' }, { times: 1 });
    await expect(provider.refund(refundContext(charge, charge.amount))).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
    });
    expect(requestsFor(h, 'void', transactionId)).toHaveLength(1);
    h.emulator.settle(transactionId);
    h.emulator.faults.arm('refund', { kind: 'status', status: 502 }, { times: 1 });
    await expect(
      provider.refund(refundContext(charge, RUB(100), { now: later(charge, HOUR_MS) })),
    ).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(requestsFor(h, 'refund', transactionId)).toHaveLength(1);
    expect(h.emulator.ledger(charge.orderId)).toMatchObject({ voids: 0, refunds: 0 });
  });

  it('has no refund query: checkRefund answers unknown', async () => {
    const { h, charge } = await charged();
    const { checkRefund } = h.provider();
    expect(await checkRefund?.call(h.provider(), refundContext(charge, charge.amount))).toEqual({
      status: 'unknown',
    });
  });
});

describe('PayOnline refund of a payment routed to another merchant account', () => {
  it("remembers the routed MerchantId and voids with that merchant's id and key", async () => {
    // The emulator's routed account, given to the provider as one of its merchant accounts.
    const {
      h: routed,
      charge,
      transactionId,
    } = await charged({
      card: PAYONLINE_CHARGE_CARDS.routed,
      emulator: { routedMerchant: { merchantId: '2000', privateSecurityKey: 'routed-key-1' } },
      config: { merchantAccounts: { '2000': 'routed-key-1' } },
    });
    expect(charge.providerRef).toEqual({ flow: 'direct', transactionId, merchantId: '2000' });
    expect(routed.emulator.ledger(charge.orderId).merchantIds).toEqual(['2000']);
    // Search finds it under the routed account even when the ref does not say so (a lost answer).
    expect(await charging(routed.provider()).checkCharge({ ...charge, providerRef: {} })).toEqual({
      status: 'succeeded',
      providerRef: { transactionId, merchantId: '2000' },
    });

    const outcome = await charging(routed.provider()).refund(refundContext(charge, charge.amount));
    expect(outcome).toEqual({ status: 'succeeded', providerRef: { voided: true } });
    expect(requestsFor(routed, 'void', transactionId)[0]?.fields).toMatchObject({
      MerchantId: '2000',
      TransactionId: transactionId,
      SecurityKey: md5(`MerchantId=2000&TransactionId=${transactionId}&PrivateSecurityKey=routed-key-1`),
    });
  });

  it('fails the refund with CONFIG_INVALID, sending nothing, when the routed account is not configured', async () => {
    const { h, charge, transactionId } = await charged({ card: PAYONLINE_CHARGE_CARDS.routed });
    expect(charge.providerRef['merchantId']).toBe(h.emulator.routedMerchant.merchantId);
    expect(h.captured.logs.some((line) => line.fields['event'] === 'payonline.routed_account_unknown')).toBe(
      true,
    );
    const outcome = await charging(h.provider()).refund(refundContext(charge, charge.amount));
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'CONFIG_INVALID', field: 'merchantAccounts' },
    });
    expect(requestsFor(h, 'void', transactionId)).toHaveLength(0);
    expect(requestsFor(h, 'refund', transactionId)).toHaveLength(0);
  });

  it("the configured account's key does not open a routed payment: the emulator refuses it (4029)", async () => {
    const { h, charge } = await charged({
      card: PAYONLINE_CHARGE_CARDS.routed,
      config: { merchantAccounts: {} },
    });
    // A ref that forgot the routing: the Void goes out under the configured account and is refused.
    const forgot = { ...charge, providerRef: { transactionId: String(charge.providerRef['transactionId']) } };
    const outcome = await charging(h.provider()).refund(refundContext(forgot, charge.amount));
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'PROVIDER_REJECTED', providerCode: '4029' },
    });
    expect(h.emulator.ledger(charge.orderId).voids).toBe(0);
  });
});
