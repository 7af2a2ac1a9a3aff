import { afterEach, describe, expect, it } from 'vitest';
import { Redactor, type ChargeOutcome } from '@cardbind/core';
import { captureFlow, expectNoSecrets, PAYTURE_MAGIC_CARDS, testCardSecrets } from '@cardbind/testing';
import { PAYTURE_REDACTION } from '../src/index.js';
import {
  actionContext,
  bindCard,
  chargeContext,
  PAY_TERMINAL_PASSWORD,
  refundContext,
  rub,
  startChargeWorld,
  stateContext,
  TERM_URL,
  type ChargeWorld,
} from './charge-world.js';
import { CUSTOMER_SECRET, expectedPassword } from './world.js';

let world: ChargeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** An outcome as a host may log it: the action's fields go to the customer's browser, not to a log. */
function loggable(outcome: ChargeOutcome): unknown {
  return outcome.status === 'requires_action'
    ? { ...outcome, action: { type: outcome.action.type } }
    : outcome;
}

describe('no secret of a charge in the captured logs, transcript, errors and outcomes', () => {
  it('VWUserPsw, the pay terminal password, CardIds, PaReq, PaRes, MD and DATA strings stay out', async () => {
    const capture = captureFlow();
    world = await startChargeWorld({
      logger: capture.logger,
      config: { timeouts: { connectMs: 500, responseMs: 300, totalMs: 600 } },
    });
    const { provider, emulator } = world;
    const plain = await bindCard(world, PAYTURE_MAGIC_CARDS.success.number, 'secret-charges-1');
    const threeDs = await bindCard(world, PAYTURE_MAGIC_CARDS.chargeThreeDSecure.number, 'secret-charges-2');
    const lost = await bindCard(world, PAYTURE_MAGIC_CARDS.chargeLostAnswer.number, 'secret-charges-3');
    const declined = await bindCard(world, PAYTURE_MAGIC_CARDS.chargeBlocked.number, 'secret-charges-4');
    const track = async (label: string, work: () => Promise<unknown>) => {
      try {
        const result = await work();
        capture.record(label, result);
      } catch (error) {
        capture.record(`${label} (thrown)`, error);
      }
    };

    // A charge, a re-send of it, a decline, and refunds of every kind.
    const paid = chargeContext(plain, { amount: rub(10_000) });
    await track('charge', () => provider.charge(paid));
    await track('charge re-sent', () => provider.charge(paid));
    await track('check', () => provider.checkCharge(stateContext(paid)));
    await track('decline', () => provider.charge(chargeContext(declined)));
    await track('refund', () => provider.refund(refundContext(paid, 4_000)));
    await track('over-refund', () => provider.refund(refundContext(paid, 7_000)));
    emulator.payments.armAnswer('Refund', paid.orderId, 'lost');
    const lostRefund = refundContext(paid, 1_000, 4_000);
    await track('lost refund', () => provider.refund(lostRefund));
    await track('check refund', () => provider.checkRefund(lostRefund));

    // A lost answer and its reconciliation.
    const lostCharge = chargeContext(lost);
    await track('lost answer', () => provider.charge(lostCharge));
    await track('check lost', () => provider.checkCharge(stateContext(lostCharge)));

    // 3-D Secure: the step, a forged return, the real return, a replay.
    const asked = chargeContext(threeDs, { returnUrl: TERM_URL });
    const action = await provider.charge(asked);
    capture.record('3-D Secure outcome', loggable(action));
    if (action.status !== 'requires_action' || action.action.type !== 'redirect')
      throw new Error('no action');
    const state = stateContext(asked, action);
    const post = await emulator.completeThreeDSecure(action.action);
    await track('forged return', () =>
      provider.completeChargeAction(
        actionContext(state, { ...post, fields: { MD: 'forged', PaRes: 'forged' } }),
      ),
    );
    await track('return', () => provider.completeChargeAction(actionContext(state, post)));
    await track('replayed return', () => provider.completeChargeAction(actionContext(state, post)));
    // Faults on every charging command.
    for (const command of ['Pay', 'PaySubmit3DS', 'GetState', 'Refund'] as const) {
      emulator.faults.arm(command, { kind: 'garbage', body: 'This is not XML' }, { times: 1 });
    }
    await track('charge under garbage', () => provider.charge(chargeContext(plain)));
    await track('check under garbage', () => provider.checkCharge(stateContext(paid)));
    await track('refund under garbage', () => provider.refund(refundContext(paid, 100, 5_000)));
    await track('return under garbage', () => provider.completeChargeAction(actionContext(state, post)));

    // The flow really ran, and its transcript is worth searching.
    const commands = capture.transcript.map((entry) => String(entry['url']).replace(/^.*\/vwapi\//, ''));
    for (const command of ['Pay', 'PaySubmit3DS', 'GetState', 'Refund']) expect(commands).toContain(command);
    expect(emulator.debits(paid.orderId).count).toBe(1);
    expect(emulator.debits(asked.orderId).count).toBe(1);
    const text = JSON.stringify(capture.transcript);
    expect(text).toContain('DATA=[REDACTED]');
    expect(text).toContain('ThreeDSKey=\\"[REDACTED]\\"');
    expect(text).toContain('PaRes=[REDACTED]');

    const md = action.action.fields?.['MD'] ?? '';
    const paReq = action.action.fields?.['PaReq'] ?? '';
    const paRes = post.fields['PaRes'] ?? '';
    expect([md, paReq, paRes].every((value) => value.length > 16)).toBe(true);
    const dataStrings = emulator.requests.flatMap((request) =>
      request.rawData === undefined ? [] : [request.rawData],
    );
    expect(dataStrings.length).toBeGreaterThan(8);
    const customers = [plain, threeDs, lost, declined].map((card) => card.customerId);
    expectNoSecrets(capture, [
      { name: 'pay terminal password', value: PAY_TERMINAL_PASSWORD },
      { name: 'customer secret', value: CUSTOMER_SECRET },
      ...customers.map((id) => ({ name: `VWUserPsw of ${id}`, value: expectedPassword(id) })),
      ...[plain, threeDs, lost, declined].map((card) => ({
        name: `CardId of ${card.customerId}`,
        value: card.token,
      })),
      { name: 'MD (ThreeDSKey)', value: md },
      { name: 'PaReq', value: paReq },
      { name: 'PaRes', value: paRes },
      ...Object.entries(PAYTURE_MAGIC_CARDS).map(([name, card]) => ({
        name: `card ${name}`,
        value: card.number,
      })),
      ...testCardSecrets(),
      ...dataStrings.map((value, index) => ({ name: `DATA string #${index + 1}`, value })),
    ]);
  });

  it('the check bites: without Payture’s ThreeDSKey rule, a Pay answer’s MD would be seen', () => {
    const answer =
      '<Pay Success="3DS" ACSUrl="https://acs.bank.test/" PaReq="cGFyZXE=" ThreeDSKey="9f1c2d3e-mdvalue" />';
    const generic = captureFlow();
    generic.logger.debug({ transcript: { responseBody: new Redactor().redactText(answer) } }, 'exchange');
    expect(() => expectNoSecrets(generic, [{ name: 'MD', value: '9f1c2d3e-mdvalue' }])).toThrow(/MD/);
    const payture = captureFlow();
    payture.logger.debug(
      { transcript: { responseBody: new Redactor([PAYTURE_REDACTION]).redactText(answer) } },
      'x',
    );
    expect(() => expectNoSecrets(payture, [{ name: 'MD', value: '9f1c2d3e-mdvalue' }])).not.toThrow();
  });
});
