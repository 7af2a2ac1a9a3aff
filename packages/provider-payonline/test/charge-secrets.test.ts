import { redactingLogger, Redactor } from '@cardbind/core';
import { encodeFormBody, FormAction } from '@cardbind/core/client';
import {
  captureFlow,
  expectNoSecrets,
  findSecrets,
  type NamedSecret,
  PAYONLINE_CHARGE_CARDS,
  payOnlineTestCardSecrets,
  TEST_CARDS,
  testCardSecrets,
} from '@cardbind/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { PAYONLINE_REDACTION } from '../src/redaction.js';
import { bindCard, chargeContext, charging, refOf, refundContext, stateContext } from './charge-harness.js';
import { type PayOnlineHarness, startHarness } from './harness.js';

let harness: PayOnlineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const ROUTED_KEY = 'routed-key-never-printed-9f2c';

/** Every charging flow once, with what a host would see of each recorded (errors and outcomes). */
async function chargeEverything(h: PayOnlineHarness): Promise<void> {
  const { captured } = h;
  const provider = charging(h.provider());
  const track = <T>(label: string, work: Promise<T>) => captured.track(label, work).catch(() => undefined);

  const card = await bindCard(h, TEST_CARDS.success);
  const paid = chargeContext(h, card, { description: 'Подписка на месяц' });
  const outcome = await track('charge', provider.charge(paid));
  await track('charge again (4016)', provider.charge(paid));
  const charge = stateContext(paid, outcome ? refOf(outcome) : {}, { status: 'succeeded' });
  await track(
    'partial refund while pending',
    provider.refund(refundContext(charge, { minor: 100, currency: 'RUB' })),
  );
  await track('void', provider.refund(refundContext(charge, charge.amount)));

  const settled = chargeContext(h, card);
  const settledRef = refOf(await provider.charge(settled));
  h.emulator.settle(String(settledRef['transactionId']));
  const settledCharge = stateContext(settled, settledRef, { status: 'succeeded' });
  await track('refund', provider.refund(refundContext(settledCharge, settled.amount, { now: settled.now })));

  for (const magic of [
    PAYONLINE_CHARGE_CARDS.insufficientFunds,
    PAYONLINE_CHARGE_CARDS.issuerDeclineFinal,
    PAYONLINE_CHARGE_CARDS.rebillNotAllowed,
    PAYONLINE_CHARGE_CARDS.lostAnswer,
    PAYONLINE_CHARGE_CARDS.slowAnswer,
  ]) {
    const ctx = chargeContext(h, await bindCard(h, magic));
    await track(`charge ${magic.meaning}`, provider.charge(ctx));
    await track(`check ${magic.meaning}`, provider.checkCharge(stateContext(ctx)));
  }

  const routed = chargeContext(h, await bindCard(h, PAYONLINE_CHARGE_CARDS.routed));
  const routedRef = refOf(await provider.charge(routed));
  await track('routed void', provider.refund(refundContext(stateContext(routed, routedRef), routed.amount)));

  // The relayed rebill: the action goes to the app (by design it carries the anchor and the
  // signature), so it is not a host record; the app posts it and Search settles the charge.
  const relayed = chargeContext(h, card, { providerOptions: { flow: 'relay' } });
  const relayOutcome = await provider.charge(relayed);
  if (relayOutcome.status !== 'requires_action') throw new Error('expected the relayed rebill');
  const action = FormAction.parse(relayOutcome.action);
  await fetch(action.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: encodeFormBody(action.params),
  });
  await track('check relayed', provider.checkCharge(stateContext(relayed, relayOutcome.providerRef)));

  // Answers that echo what they should not, read by a host that logs its errors.
  const echo = `RebillAnchor=${card.token}&SecurityKey=0123456789abcdef0123456789abcdef`;
  h.emulator.faults.arm('rebill', { kind: 'garbage', body: `${echo}&Result` }, { times: 1 });
  await track('unreadable rebill', provider.charge(chargeContext(h, card)));
  h.emulator.faults.arm('search', { kind: 'status', status: 500, body: echo }, { times: 1 });
  await track('search outage', provider.checkCharge(stateContext(chargeContext(h, card))));
  h.emulator.faults.arm('refund', { kind: 'garbage', body: echo }, { times: 1 });
  await track(
    'unreadable refund',
    provider.refund(refundContext(settledCharge, { minor: 100, currency: 'RUB' }, { refundedBefore: 0 })),
  );
  await h.emulator.callbacksSettled();
  await h.service.settled();
}

function secretsOf(h: PayOnlineHarness): NamedSecret[] {
  const anchors = new Set(h.emulator.transactions().flatMap((transaction) => transaction.rebillAnchor ?? []));
  return [
    ...testCardSecrets(),
    ...payOnlineTestCardSecrets(),
    { name: 'private key', value: h.emulator.privateSecurityKey },
    { name: 'routed private key', value: ROUTED_KEY },
    { name: 'a SecurityKey input', value: 'PrivateSecurityKey=' },
    ...[...anchors].map((anchor, index) => ({ name: `RebillAnchor #${index}`, value: anchor })),
  ];
}

describe('PayOnline charging: no secret in anything a host sees', () => {
  it('logs (debug transcripts included) and every outcome and error are free of keys, anchors and cards', async () => {
    const h = (harness = await startHarness({
      emulator: {
        routedMerchant: { merchantId: '2000', privateSecurityKey: ROUTED_KEY },
        slowAnswerMs: 5_000,
      },
      config: { merchantAccounts: { '2000': ROUTED_KEY } },
    }));
    await chargeEverything(h);
    // The flows ran, so the capture is worth reading.
    expect(h.emulator.operationCount('rebill')).toBeGreaterThanOrEqual(6);
    expect(h.emulator.operationCount('refund')).toBe(1);
    expect(h.emulator.operationCount('void')).toBeGreaterThanOrEqual(3);
    const transcribed = h.captured.transcript.map((entry) => String(entry['url']));
    expect(transcribed.filter((url) => url.endsWith('/rebill/')).length).toBeGreaterThanOrEqual(8);
    expect(transcribed.some((url) => url.endsWith('/refund/'))).toBe(true);
    expect(
      h.captured.records.filter((record) => record.label.endsWith('(thrown)')).length,
    ).toBeGreaterThanOrEqual(4);
    expectNoSecrets(h.captured, secretsOf(h));
  });

  it('the SecurityKey values of Rebill, Void, Refund and Search are absent from the logs', async () => {
    const h = (harness = await startHarness({
      emulator: {
        routedMerchant: { merchantId: '2000', privateSecurityKey: ROUTED_KEY },
        slowAnswerMs: 5_000,
      },
      config: { merchantAccounts: { '2000': ROUTED_KEY } },
    }));
    await chargeEverything(h);
    const keys = h.emulator.requests
      .filter((request) => ['rebill', 'refund', 'void', 'search'].includes(request.route))
      .map((request, index) => ({
        name: `SecurityKey #${index}`,
        value: request.fields['SecurityKey'] ?? '',
      }));
    expect(keys.length).toBeGreaterThan(15);
    const logsOnly = {
      ...h.captured,
      places: () => h.captured.places().filter((place) => place.where.startsWith('log')),
    };
    expectNoSecrets(logsOnly, keys);
  });

  it("drops a relayed rebill's anchor and signature from a log line that holds the action as text", async () => {
    const h = (harness = await startHarness());
    const card = await bindCard(h, TEST_CARDS.success);
    const outcome = await charging(h.provider()).charge(
      chargeContext(h, card, { providerOptions: { flow: 'relay' } }),
    );
    if (outcome.status !== 'requires_action') throw new Error('expected the relayed rebill');
    const action = FormAction.parse(outcome.action);
    const signature = action.params.find((param) => param.name === 'SecurityKey')?.value ?? '';
    const secrets = [
      { name: 'RebillAnchor', value: card.token },
      { name: 'SecurityKey', value: signature },
    ];

    const redacted = captureFlow();
    redactingLogger(redacted.logger, new Redactor([PAYONLINE_REDACTION])).info(
      { action: JSON.stringify(action) },
      'relayed rebill handed to the app',
    );
    expectNoSecrets(redacted, secrets);
    expect(redacted.text()).toContain(action.orderId);

    // Without PayOnline's rules the same line would leak both: the pattern is what drops them.
    const generic = captureFlow();
    redactingLogger(generic.logger, new Redactor([])).info({ action: JSON.stringify(action) }, 'the same');
    expect(findSecrets(generic, secrets).map((sighting) => sighting.secret)).toEqual([
      'RebillAnchor',
      'SecurityKey',
    ]);
  });
});
