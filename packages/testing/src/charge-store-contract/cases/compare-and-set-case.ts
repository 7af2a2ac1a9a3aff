import type { ChargeAuditEntry, ChargeRecord } from '@cardbind/core';
import type { PlannedChargeUpdate } from '../charge-fixtures.js';
import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { createdCharge, same, withChargeStore } from '../with-charge-store.js';

/**
 * `updateCharge` applies its patch only when the stored version is the expected one, bumping the
 * version by one and writing the audit row given with it (none when none is given); on any other
 * version it writes nothing and returns the stored charge, and on an unknown id `current: undefined`.
 */
export async function compareAndSetCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const fresh = f.charge({ status: 'processing' });
    const creation = f.creationAudit(fresh);
    let current: ChargeRecord = await createdCharge('compareAndSet', store, fresh, creation);
    const history: ChargeAuditEntry[] = [creation];
    const steps: ((record: ChargeRecord) => PlannedChargeUpdate)[] = [
      (record) => f.update(record, { reconcileAttempts: 1, reconcileAt: f.at(700) }, { audit: false }),
      (record) =>
        f.update(record, {
          status: 'requires_action',
          providerRef: { ...record.providerRef, step: 'action' },
          nextAction: { type: 'redirect', url: 'https://pay.example.test/3ds?step=2', method: 'GET' },
        }),
      (record) =>
        f.update(record, {
          status: 'succeeded',
          providerRef: { ...record.providerRef, step: 'paid', receipt: { lines: [1, 2] } },
          nextAction: null,
          reconcileAt: null,
          refundedMinor: 0,
        }),
    ];
    for (const planned of steps) {
      const step = planned(current);
      const result = await store.updateCharge(current.id, step.cas);
      holds(
        'compareAndSet',
        result.ok,
        () => `updateCharge on the stored version ${step.cas.expectedVersion} lost its compare-and-set`,
      );
      same(
        'compareAndSet',
        result.record,
        step.expected,
        `updateCharge to version ${step.expected.version} returned`,
      );
      same(
        'compareAndSet',
        await store.getCharge(current.id),
        step.expected,
        `getCharge after the update to version ${step.expected.version}`,
      );
      if (step.cas.audit) history.push(step.cas.audit);
      same(
        'compareAndSet',
        await store.listChargeAudit(current.id),
        history,
        `listChargeAudit after the update to version ${step.expected.version}${step.cas.audit ? '' : ' (given no audit row)'}`,
      );
      current = step.expected;
    }

    const stored = current;
    for (const version of [stored.version - 1, 0, stored.version + 1]) {
      const stale = f.update(
        { ...stored, version },
        {
          status: 'failed',
          failure: { code: 'CARD_DECLINED', message: 'Declined', retryable: false, providerCode: 'D51' },
          refundedMinor: 1,
        },
      );
      const lost = await store.updateCharge(stored.id, stale.cas);
      holds(
        'compareAndSet',
        !lost.ok,
        () =>
          `updateCharge with expected version ${version} won although the stored version is ${stored.version}`,
      );
      same(
        'compareAndSet',
        lost.current,
        stored,
        `a lost updateCharge (expected version ${version}) returned as current`,
      );
      same(
        'compareAndSet',
        await store.getCharge(stored.id),
        stored,
        `getCharge after a lost update (expected version ${version})`,
      );
      same(
        'compareAndSet',
        await store.listChargeAudit(stored.id),
        history,
        `listChargeAudit after a lost update (expected version ${version})`,
      );
    }

    const unknownId = `chg_${f.run}_unknown`;
    const unknown = await store.updateCharge(
      unknownId,
      f.update({ ...stored, id: unknownId, version: 0 }).cas,
    );
    holds(
      'compareAndSet',
      !unknown.ok && unknown.current === undefined,
      () =>
        `updateCharge of an unknown id returned ${JSON.stringify(unknown)}, not { ok: false, current: undefined }`,
    );
    holds(
      'compareAndSet',
      (await store.getCharge(unknownId)) === undefined,
      'updateCharge of an unknown id created the charge',
    );
    same(
      'compareAndSet',
      await store.listChargeAudit(unknownId),
      [],
      'listChargeAudit after updateCharge of an unknown id',
    );
  });
}
