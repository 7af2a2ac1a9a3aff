import { describe, expect, it } from 'vitest';
import {
  CHARGING_CASES,
  CONFORMANCE_CASE_TITLES,
  ConformanceViolation,
  conformanceCases,
} from '../src/index.js';
import { miniPayChargingConformance } from './conformance/mini-pay-charging-conformance.js';
import { miniPayConformance } from './conformance/mini-pay-conformance.js';

// The control: a correct charging provider passes every charging case, so what fails below fails for
// its planted defect. (The binding cases are conformance-bites.test.ts's.)
describe('MiniPay charging passes every charging case', () => {
  for (const name of CHARGING_CASES) {
    it(CONFORMANCE_CASE_TITLES[name], () => conformanceCases[name](miniPayChargingConformance()), 60_000);
  }
});

async function violation(run: Promise<void>): Promise<string> {
  const failure = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ConformanceViolation);
  return String(failure);
}

describe('charging is an optional capability', () => {
  it('refuses to run a charging case that is not declared, naming the option', async () => {
    await expect(conformanceCases.chargeSuccess(miniPayConformance())).rejects.toThrow(
      '[chargeSuccess] not declared: give options.charging to run this case',
    );
    const { charging, ...rest } = miniPayChargingConformance();
    await expect(
      conformanceCases.refunds({ ...rest, charging: { debits: charging?.debits ?? (() => []) } }),
    ).rejects.toThrow('[refunds] not declared: give options.charging.refunds to run this case');
  });

  it('lists every charging case after the binding cases', () => {
    expect(CHARGING_CASES).toEqual([
      'chargeSuccess',
      'chargeDecline',
      'chargeIdempotency',
      'chargeFaults',
      'chargeLostAnswer',
      'chargeNotFound',
      'refunds',
      'chargeSecrets',
    ]);
  });
});

describe('the charging cases bite', () => {
  it('catches a provider that sends an order id of its own: the charge-success case', async () => {
    expect(
      await violation(conformanceCases.chargeSuccess(miniPayChargingConformance('ignoresOrderId'))),
    ).toMatch(
      /^ConformanceViolation: \[chargeSuccess\] after one charge: the gateway's ledger holds 0 debit\(s\) for order id ch_\S+ and 1 in all, not 1 and 1\. Send ctx\.orderId/,
    );
  });

  it('catches a provider that reports a decline as a success: the charge-decline case', async () => {
    const options = miniPayChargingConformance('succeedsOnDecline');
    await expect(conformanceCases.chargeSuccess(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.chargeDecline(options))).toMatch(
      /^ConformanceViolation: \[chargeDecline\] charging a card whose charges decline gave succeeded, not failed \(the gateway's ledger holds 0 debit\(s\)\)$/,
    );
  });

  it('catches a provider whose concurrent charges share state: the charge-idempotency case', async () => {
    const options = miniPayChargingConformance('sharedChargeState');
    await expect(conformanceCases.chargeSuccess(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.chargeIdempotency(options))).toMatch(
      /^ConformanceViolation: \[chargeIdempotency\] of 5 concurrent charges with their own keys, one is succeeded with 0 debit\(s\) for its order id ch_\S+: each charge must send its own ctx\.orderId/,
    );
  });

  it('catches a provider that turns a 5xx on a charge into a decline: the charge-faults case', async () => {
    const options = miniPayChargingConformance('failsOn5xx');
    await expect(conformanceCases.chargeSuccess(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.chargeFaults(options))).toMatch(
      /^ConformanceViolation: \[chargeFaults\] a charge under HTTP 500 came back failed \(CARD_DECLINED\), not processing: a provider that does not know whether the debit happened must throw/,
    );
  });

  it('catches a provider that re-sends a debit under a fresh order id when it throws: the lost-answer case', async () => {
    const options = miniPayChargingConformance('resendsOnThrow');
    await expect(conformanceCases.chargeSuccess(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.chargeLostAnswer(options))).toMatch(
      /^ConformanceViolation: \[chargeLostAnswer\] after a charge whose answer was lost \(it came back succeeded\): the gateway's ledger holds 1 debit\(s\) for order id ch_\S+ and 2 in all, not 1 and 1\. Never send a debit again/,
    );
  });

  it('catches a provider whose check sends the debit again: the lost-answer and not-found cases', async () => {
    const options = miniPayChargingConformance('checkResends');
    await expect(conformanceCases.chargeSuccess(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.chargeLostAnswer(options))).toMatch(
      /^ConformanceViolation: \[chargeLostAnswer\] after the reconciler settled a charge whose answer was lost: asking about an order must never send a second debit: the gateway's ledger holds 1 debit\(s\) for order id ch_\S+ and 2 in all/,
    );
    expect(await violation(conformanceCases.chargeNotFound(options))).toMatch(
      /^ConformanceViolation: \[chargeNotFound\] after checkCharge of an order never sent: the gateway's ledger holds 0 debit\(s\) for order id ch_\S+ and 1 in all, not 0 and 0/,
    );
  });

  it('catches a provider that fails an order the gateway does not know: the not-found case', async () => {
    const options = miniPayChargingConformance('failsUnknownOrder');
    await expect(conformanceCases.chargeLostAnswer(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.chargeNotFound(options))).toMatch(
      /^ConformanceViolation: \[chargeNotFound\] checkCharge of an order the gateway never received answered failed, not not_found: failed ends a charge whose request may still arrive and debit$/,
    );
  });

  it('catches a provider that reports a refused refund as a success: the refunds case', async () => {
    const options = miniPayChargingConformance('succeedsOverRefund');
    await expect(conformanceCases.chargeSuccess(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.refunds(options))).toMatch(
      /^ConformanceViolation: \[refunds\] refunding 668 minor units when 667 are left answered succeeded, not failed/,
    );
  });

  it('catches a provider that logs the card token: the charge-secrets case names the log line', async () => {
    const options = miniPayChargingConformance('logsCardToken');
    await expect(conformanceCases.chargeSuccess(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.chargeSecrets(options))).toMatch(
      /^ConformanceViolation: \[chargeSecrets\] .*the token of saved card #1 appeared as is in log line #\d+ \(info\): …MiniPay charging card ‹secret›/s,
    );
  });
});
