import { describe, expect, it, vi } from 'vitest';
import {
  ChargeStoreContractViolation,
  chargeStoreContractCases,
  describeChargeStoreContract,
  type ChargeStoreFactory,
} from '../src/index.js';
import {
  DefectiveChargeStore,
  type ChargeStoreDefect,
} from './charge-store-contract/defective-charge-store.js';

function storeWith(defect?: ChargeStoreDefect): ChargeStoreFactory {
  return async () => ({ store: new DefectiveChargeStore(defect), close: async () => undefined });
}

// The control: the same store without a planted defect keeps every rule, so what fails below fails
// for its defect alone.
describeChargeStoreContract('DefectiveChargeStore without a defect', storeWith());

const printed = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
describeChargeStoreContract('DefectiveChargeStore, refunds skipped', storeWith(), {
  skip: { refundRace: 'shown above', updateRefund: 'shown above' },
});
const skipLines = printed.mock.calls.map((call) => String(call[0]));
printed.mockRestore();

describe('skipping a charge store contract case', () => {
  it('prints every skip with its reason', () => {
    expect(skipLines).toEqual([
      '[charge store contract] DefectiveChargeStore, refunds skipped: "refundRace" skipped: shown above',
      '[charge store contract] DefectiveChargeStore, refunds skipped: "updateRefund" skipped: shown above',
    ]);
  });

  it('refuses a skip without a reason', () => {
    expect(() => describeChargeStoreContract('x', storeWith(), { skip: { audit: ' ' } })).toThrow(
      'skip.audit needs a reason',
    );
  });
});

async function violation(run: Promise<void>): Promise<string> {
  const failure = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ChargeStoreContractViolation);
  return String(failure);
}

describe('the charge store contract suite bites', () => {
  it('catches a store that hands back JSON dates as strings: the create case names the field', async () => {
    const factory = storeWith('failureDatesAsStrings');
    await expect(chargeStoreContractCases.compareAndSet(factory)).resolves.toBeUndefined();
    expect(await violation(chargeStoreContractCases.create(factory))).toMatch(
      /^ChargeStoreContractViolation: \[create\] createCharge\(a declined charge with retry advice\)\.record\.failure\.advice\.notBefore is "2026-12-02T10:\d\d:\d\d\.\d{3}Z", expected \{"\$date":"2026-12-02T10:\d\d:\d\d\.\d{3}Z"\}$/,
    );
  });

  it('catches a store that creates a second charge for a reused key: the idempotency case', async () => {
    expect(await violation(chargeStoreContractCases.idempotency(storeWith('ignoresIdempotencyKey')))).toMatch(
      /^ChargeStoreContractViolation: \[idempotency\] a second createCharge with the same \(customerId, idempotencyKey\) returned created: true \(chg_\w+\)$/,
    );
  });

  it('catches a store that ignores the expected version: compareAndSet and race', async () => {
    const factory = storeWith('ignoresVersion');
    await expect(chargeStoreContractCases.create(factory)).resolves.toBeUndefined();
    expect(await violation(chargeStoreContractCases.compareAndSet(factory))).toBe(
      'ChargeStoreContractViolation: [compareAndSet] updateCharge with expected version 2 won although the stored version is 3',
    );
    expect(await violation(chargeStoreContractCases.race(factory))).toBe(
      'ChargeStoreContractViolation: [race] 20 racing updateCharge calls on version 0 gave 20 winners, not 1',
    );
    expect(await violation(chargeStoreContractCases.createRefund(factory))).toMatch(
      /^ChargeStoreContractViolation: \[createRefund\] createRefund on an old charge version returned created: true \(rfd_\w+\), not conflict$/,
    );
  });

  it('catches a read-then-write update that passes every sequential check: only the race', async () => {
    const factory = storeWith('readThenWrite');
    for (const sequential of ['compareAndSet', 'audit', 'nullClears', 'createRefund'] as const) {
      await expect(chargeStoreContractCases[sequential](factory)).resolves.toBeUndefined();
    }
    expect(await violation(chargeStoreContractCases.race(factory))).toBe(
      'ChargeStoreContractViolation: [race] 20 racing updateCharge calls on version 0 gave 20 winners, not 1',
    );
  });

  it('catches a store that does not clear on null: nullClears', async () => {
    expect(await violation(chargeStoreContractCases.nullClears(storeWith('nullKeeps')))).toMatch(
      /^ChargeStoreContractViolation: \[nullClears\] updateCharge with nextAction: null returned\.nextAction is \{.+, expected undefined$/,
    );
  });

  it('catches a store that writes the audit row of a lost compare-and-set: compareAndSet, audit, race', async () => {
    const factory = storeWith('auditOnLostCas');
    await expect(chargeStoreContractCases.create(factory)).resolves.toBeUndefined();
    expect(await violation(chargeStoreContractCases.compareAndSet(factory))).toMatch(
      /^ChargeStoreContractViolation: \[compareAndSet\] listChargeAudit after a lost update \(expected version 2\)/,
    );
    expect(await violation(chargeStoreContractCases.audit(factory))).toMatch(
      /^ChargeStoreContractViolation: \[audit\] listChargeAudit after a lost updateCharge, a repeated createCharge and an update given no audit row/,
    );
    expect(await violation(chargeStoreContractCases.race(factory))).toMatch(
      /^ChargeStoreContractViolation: \[race\] listChargeAudit after the race/,
    );
  });

  it('catches a history listed in write order: the audit case shows both orders', async () => {
    expect(await violation(chargeStoreContractCases.audit(storeWith('auditInWriteOrder')))).toMatch(
      /^ChargeStoreContractViolation: \[audit\] listChargeAudit after the refunds settled .+ lists its rows as .*refund:1@(\S+), charge:5@\1, .*not oldest first \(.*charge:5@\1, refund:1@\1, .*\)$/,
    );
  });

  it('catches a store that hands out and keeps live references: the copies case', async () => {
    const factory = storeWith('liveReferences');
    await expect(chargeStoreContractCases.compareAndSet(factory)).resolves.toBeUndefined();
    expect(await violation(chargeStoreContractCases.copies(factory))).toMatch(
      /^ChargeStoreContractViolation: \[copies\] getCharge after the caller changed the charge it created\.\w+/,
    );
  });

  it('catches lists in the wrong order or with the wrong members', async () => {
    expect(await violation(chargeStoreContractCases.listCharges(storeWith('listOldestFirst')))).toMatch(
      /^ChargeStoreContractViolation: \[listCharges\] listCharges of the customer \(newest first, as stored now\)\[0\]\.\w+/,
    );
    expect(
      await violation(chargeStoreContractCases.chargesToReconcile(storeWith('reconcileIncludesSettled'))),
    ).toMatch(
      /^ChargeStoreContractViolation: \[chargesToReconcile\] listChargesToReconcile returned chg_\w+ \((succeeded|failed), reconcileAt [\d:.TZ-]+\)$/,
    );
    expect(
      await violation(chargeStoreContractCases.refundsToReconcile(storeWith('refundReconcileIgnoresTime'))),
    ).toMatch(
      /^ChargeStoreContractViolation: \[refundsToReconcile\] listRefundsToReconcile returned rfd_\w+ \(processing, reconcileAt [\d:.TZ-]+\)$/,
    );
  });

  it('catches a createRefund that writes the refund before the charge compare-and-set: createRefund and refundRace', async () => {
    const factory = storeWith('nonAtomicCreateRefund');
    await expect(chargeStoreContractCases.compareAndSet(factory)).resolves.toBeUndefined();
    expect(await violation(chargeStoreContractCases.createRefund(factory))).toMatch(
      /^ChargeStoreContractViolation: \[createRefund\] listRefunds after a createRefund whose charge compare-and-set failed is \[/,
    );
    expect(await violation(chargeStoreContractCases.refundRace(factory))).toMatch(
      /^ChargeStoreContractViolation: \[refundRace\] racer \d+ failed: ChargeStoreContractViolation: \[refundRace\] racer \d+'s first createRefund with its own key returned created: false$/,
    );
  });

  it('catches a createRefund that checks, awaits, then writes: only the refund race', async () => {
    const factory = storeWith('refundReadThenWrite');
    for (const sequential of ['createRefund', 'updateRefund', 'audit'] as const) {
      await expect(chargeStoreContractCases[sequential](factory)).resolves.toBeUndefined();
    }
    expect(await violation(chargeStoreContractCases.refundRace(factory))).toMatch(
      /^ChargeStoreContractViolation: \[refundRace\] the charge holds 300 for refunds, but its \d+ refunds hold \d+$/,
    );
  });

  it('catches an updateRefund that applies the refund when its charge compare-and-set fails', async () => {
    const factory = storeWith('halfUpdateRefund');
    await expect(chargeStoreContractCases.createRefund(factory)).resolves.toBeUndefined();
    expect(await violation(chargeStoreContractCases.updateRefund(factory))).toMatch(
      /^ChargeStoreContractViolation: \[updateRefund\] the refund an updateRefund lost on its charge returned\.\w+/,
    );
  });
});
