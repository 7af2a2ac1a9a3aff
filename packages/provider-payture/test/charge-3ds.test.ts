import { afterEach, describe, expect, it } from 'vitest';
import { ChargeCheckOutcome, ChargeOutcome, type SavedCard } from '@cardbind/core';
import { PAYTURE_MAGIC_CARDS } from '@cardbind/testing';
import {
  actionContext,
  bindCard,
  chargeContext,
  startChargeWorld,
  stateContext,
  TERM_URL,
  type ChargeWorld,
} from './charge-world.js';

let world: ChargeWorld;
afterEach(async () => world.close());

async function threeDSecureCard(): Promise<SavedCard> {
  return bindCard(world, PAYTURE_MAGIC_CARDS.chargeThreeDSecure.number);
}

/** Pay asks for 3-D Secure: the charge's next action, as the host would store and show it. */
async function chargeNeedingAction(card: SavedCard) {
  const ctx = chargeContext(card, { returnUrl: TERM_URL });
  const outcome = await world.provider.charge(ctx);
  if (outcome.status !== 'requires_action')
    throw new Error(`expected requires_action, got ${outcome.status}`);
  return { ctx, outcome, state: stateContext(ctx, outcome) };
}

function actionOf(outcome: ChargeOutcome) {
  if (outcome.status !== 'requires_action' || outcome.action.type !== 'redirect')
    throw new Error('no redirect');
  return outcome.action;
}

describe('3-D Secure on Pay', () => {
  it('requires_action → the bank’s pages → completeChargeAction → succeeded, exactly one debit', async () => {
    world = await startChargeWorld();
    const { ctx, outcome, state } = await chargeNeedingAction(await threeDSecureCard());

    // The outcome is one core's strict schema accepts, as the service will parse it.
    expect(ChargeOutcome.parse(outcome)).toEqual(outcome);
    const action = actionOf(outcome);
    const order = world.emulator.payments.get(ctx.orderId);
    expect(order).toMatchObject({ state: 'PreAuthorized3DS', threeDSecure: true });
    expect(action).toEqual({
      type: 'redirect',
      method: 'POST',
      url: world.emulator.acsUrl,
      fields: { PaReq: expect.any(String), MD: expect.any(String), TermUrl: TERM_URL },
    });
    // Not debited until the customer has passed the step.
    expect(world.emulator.debits(ctx.orderId).count).toBe(0);
    expect(await world.provider.checkCharge(state)).toEqual({ status: 'pending' });
    // The ref keeps a digest of the MD, never the MD itself.
    expect(JSON.stringify(state.providerRef)).not.toContain(action.fields?.['MD'] ?? 'missing');

    const post = await world.emulator.completeThreeDSecure(action);
    expect(post.termUrl).toBe(TERM_URL);
    expect(Object.keys(post.fields).sort()).toEqual(['MD', 'PaRes']);

    const done = await world.provider.completeChargeAction(actionContext(state, post));

    expect(done).toEqual({ status: 'succeeded' });
    expect(world.emulator.debits(ctx.orderId)).toEqual({ count: 1, amount: ctx.amount.minor });
    const submit = world.emulator.requests.find((request) => request.command === 'PaySubmit3DS');
    // Exactly the two fields of the Go SDK's PaySubmit3DS, top-level.
    expect(submit?.fields).toEqual({ MD: action.fields?.['MD'], PaRes: post.fields['PaRes'] });
    expect(await world.provider.checkCharge(state)).toEqual({ status: 'succeeded' });
  });

  it('a failed 3-D Secure step → failed THREE_DS_FAIL with advice, no debit', async () => {
    world = await startChargeWorld();
    const { ctx, outcome, state } = await chargeNeedingAction(await threeDSecureCard());
    const post = await world.emulator.completeThreeDSecure(actionOf(outcome), { code: '000000' });

    const done = await world.provider.completeChargeAction(actionContext(state, post));

    expect(ChargeOutcome.parse(done)).toEqual(done);
    expect(done).toMatchObject({
      status: 'failed',
      error: { code: 'CARD_DECLINED', providerCode: 'THREE_DS_FAIL' },
      advice: { retryable: true, maxAttemptsPerDay: 5 },
    });
    expect(world.emulator.debits(ctx.orderId).count).toBe(0);
  });

  it('without a returnUrl: failed THREE_DS_REQUIRED (nobody can finish the step), no debit', async () => {
    world = await startChargeWorld();
    const ctx = chargeContext(await threeDSecureCard());
    const outcome = await world.provider.charge(ctx);
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'CARD_DECLINED', providerCode: 'THREE_DS_REQUIRED', retryable: true },
      advice: { retryable: true },
    });
    expect(outcome.status === 'failed' ? outcome.error.message : '').toMatch(
      /3-D Secure required but no returnUrl/,
    );
    expect(world.emulator.debits(ctx.orderId).count).toBe(0);
  });

  it.each([
    ['no PaRes', (fields: Record<string, string>) => ({ MD: fields['MD'] ?? '' })],
    ['no MD', (fields: Record<string, string>) => ({ PaRes: fields['PaRes'] ?? '' })],
    ['an empty body', () => ({})],
  ])('a return with %s → CALLBACK_REJECTED, nothing sent to Payture', async (_label, strip) => {
    world = await startChargeWorld();
    const { outcome, state } = await chargeNeedingAction(await threeDSecureCard());
    const post = await world.emulator.completeThreeDSecure(actionOf(outcome));
    const forged = { termUrl: post.termUrl, fields: strip(post.fields) };
    await expect(world.provider.completeChargeAction(actionContext(state, forged))).rejects.toMatchObject({
      code: 'CALLBACK_REJECTED',
    });
    expect(world.emulator.count('PaySubmit3DS')).toBe(0);
  });

  it('another charge’s PaRes and MD posted to this charge → CALLBACK_REJECTED, neither is debited', async () => {
    world = await startChargeWorld();
    const card = await threeDSecureCard();
    const first = await chargeNeedingAction(card);
    const second = await chargeNeedingAction(card);
    const postForSecond = await world.emulator.completeThreeDSecure(actionOf(second.outcome));

    await expect(
      world.provider.completeChargeAction(actionContext(first.state, postForSecond)),
    ).rejects.toMatchObject({ code: 'CALLBACK_REJECTED' });
    expect(world.emulator.count('PaySubmit3DS')).toBe(0);
    expect(
      world.emulator.debits(first.ctx.orderId).count + world.emulator.debits(second.ctx.orderId).count,
    ).toBe(0);
  });

  it('PaySubmit3DS’s answer lost, the bank’s post replayed: succeeded from GetState, still one debit', async () => {
    world = await startChargeWorld();
    const { ctx, outcome, state } = await chargeNeedingAction(await threeDSecureCard());
    const post = await world.emulator.completeThreeDSecure(actionOf(outcome));
    world.emulator.payments.armAnswer('PaySubmit3DS', ctx.orderId, 'lost');

    await expect(world.provider.completeChargeAction(actionContext(state, post))).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
    });
    expect(world.emulator.debits(ctx.orderId).count).toBe(1);

    // The browser posts again: Payture answers ILLEGAL_ORDER_STATE, GetState says Charged.
    expect(await world.provider.completeChargeAction(actionContext(state, post))).toEqual({
      status: 'succeeded',
    });
    expect(world.emulator.count('PaySubmit3DS')).toBe(2);
    expect(world.emulator.debits(ctx.orderId).count).toBe(1);
  });

  it('Payture closing the waiting order (ORDER_TIME_OUT) → failed ACTION_EXPIRED for a 3-D Secure charge only', async () => {
    world = await startChargeWorld();
    const { state } = await chargeNeedingAction(await threeDSecureCard());
    world.emulator.faults.arm('GetState', { kind: 'reject', code: 'ORDER_TIME_OUT' }, { times: 2 });
    const expired = await world.provider.checkCharge(state);
    expect(ChargeCheckOutcome.parse(expired)).toEqual(expired);
    expect(expired).toMatchObject({
      status: 'failed',
      error: { code: 'ACTION_EXPIRED', providerCode: 'ORDER_TIME_OUT' },
    });
    // A charge that never asked for 3-D Secure: Payture knows no such order.
    expect(await world.provider.checkCharge({ ...state, providerRef: {} })).toEqual({ status: 'not_found' });
  });
});
