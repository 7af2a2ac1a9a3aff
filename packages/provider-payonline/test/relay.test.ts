import { encodeFormBody, fillFormParams, FormAction } from '@cardbind/core/client';
import { TEST_CARDS } from '@cardbind/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { bindCard, chargeContext, charging, md5, stateContext } from './charge-harness.js';
import { type PayOnlineHarness, startHarness } from './harness.js';

let harness: PayOnlineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The app's side: posts the params exactly as given to the action's URL and reads PayOnline's answer. */
async function relay(action: FormAction): Promise<{ status: number; body: string }> {
  const response = await fetch(action.url, {
    method: action.method,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    // LitRes's form-params spec: a rebill request has no substitutes, so no card input is needed.
    body: encodeFormBody(fillFormParams(action, {})),
  });
  return { status: response.status, body: await response.text() };
}

describe("PayOnline charge: LitRes's relayed rebill (providerOptions.flow = relay)", () => {
  it('hands the app the signed Rebill as a form action with no substitutes, and calls nobody', async () => {
    const h = (harness = await startHarness({ config: { contentType: 'xml' } }));
    const card = await bindCard(h, TEST_CARDS.success);
    const ctx = chargeContext(h, card, {
      amount: { minor: 30, currency: 'RUB' },
      description: 'Подписка',
      providerOptions: { flow: 'relay' },
    });
    const outcome = await charging(h.provider()).charge(ctx);
    if (outcome.status !== 'requires_action') throw new Error(`expected an action, got ${outcome.status}`);
    expect(outcome.providerRef).toEqual({ flow: 'relay' });
    const action = FormAction.parse(outcome.action);
    expect(action).toMatchObject({
      type: 'form',
      url: `${h.emulator.baseUrl}/payment/transaction/rebill/`,
      method: 'POST',
      processor: { name: 'PayOnline' },
      orderId: ctx.orderId,
    });
    expect(action.termUrl).toBeUndefined();
    expect(action.params.filter((param) => param.substitute !== undefined)).toEqual([]);
    const signed =
      `MerchantId=${h.emulator.merchantId}&RebillAnchor=${card.token}&OrderId=${ctx.orderId}` +
      `&Amount=0.30&Currency=RUB&PrivateSecurityKey=${h.emulator.privateSecurityKey}`;
    expect(action.params).toEqual([
      { name: 'MerchantId', value: h.emulator.merchantId },
      { name: 'RebillAnchor', value: card.token },
      { name: 'OrderId', value: ctx.orderId },
      { name: 'Amount', value: '0.30' },
      { name: 'Currency', value: 'RUB' },
      { name: 'SecurityKey', value: md5(signed) },
      { name: 'OrderDescription', value: 'Подписка' },
      { name: 'ContentType', value: 'xml' },
    ]);
    // A signature over this one order, not the key that makes signatures.
    expect(JSON.stringify(outcome)).not.toContain(h.emulator.privateSecurityKey);
    expect(JSON.stringify(outcome)).not.toContain('PrivateSecurityKey');
    expect(h.emulator.requestsTo('rebill')).toHaveLength(0);
  });

  it('the app posting it debits once; checkCharge (Search) settles the charge; a second post is 4016', async () => {
    const h = (harness = await startHarness());
    const card = await bindCard(h, TEST_CARDS.success);
    const provider = charging(h.provider());
    const ctx = chargeContext(h, card, { providerOptions: { flow: 'relay' } });
    const outcome = await provider.charge(ctx);
    if (outcome.status !== 'requires_action') throw new Error(`expected an action, got ${outcome.status}`);
    const action = FormAction.parse(outcome.action);
    const pending = stateContext(ctx, { flow: 'relay' }, { status: 'requires_action' });
    // Not posted yet: nothing at PayOnline.
    expect(await provider.checkCharge(pending)).toEqual({ status: 'not_found' });

    const answer = await relay(action);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^Id=\d+&Operation=Rebill&Result=Ok&Status=Pending/);
    expect(h.emulator.ledger(ctx.orderId)).toMatchObject({ debits: 1, debitedCents: 150_099 });
    expect(await provider.checkCharge(pending)).toEqual({
      status: 'succeeded',
      providerRef: { transactionId: h.emulator.order(ctx.orderId)[0]?.id },
    });

    // The app posting it twice (a double tap) cannot debit twice: PayOnline refuses the order again.
    expect((await relay(action)).body).toMatch(/^Code=4016&/);
    expect(h.emulator.ledger(ctx.orderId).debits).toBe(1);
  });

  it('a tampered relayed request (another amount) is refused by its signature: no debit', async () => {
    const h = (harness = await startHarness());
    const card = await bindCard(h, TEST_CARDS.success);
    const ctx = chargeContext(h, card, { providerOptions: { flow: 'relay' } });
    const outcome = await charging(h.provider()).charge(ctx);
    if (outcome.status !== 'requires_action') throw new Error(`expected an action, got ${outcome.status}`);
    const action = FormAction.parse(outcome.action);
    const tampered = {
      ...action,
      params: action.params.map((param) => (param.name === 'Amount' ? { ...param, value: '1.00' } : param)),
    };
    expect((await relay(tampered)).body).toMatch(/^Code=4024&/);
    expect(h.emulator.ledger(ctx.orderId).debits).toBe(0);
  });

  it.each([
    ['an unknown flow', { flow: 'redirect' }, 'providerOptions.flow'],
    ['an unknown option', { flow: 'relay', termUrl: 'https://host.example/' }, 'providerOptions.termUrl'],
  ])('refuses %s with NOT_SUPPORTED before any request', async (_name, providerOptions, field) => {
    const h = (harness = await startHarness());
    const card = await bindCard(h, TEST_CARDS.success);
    const outcome = await charging(h.provider()).charge(chargeContext(h, card, { providerOptions }));
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'NOT_SUPPORTED', field, retryable: false },
    });
    expect(h.emulator.requestsTo('rebill')).toHaveLength(0);
  });
});
