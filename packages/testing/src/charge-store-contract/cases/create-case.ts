import type { ChargeRecord } from '@cardbind/core';
import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { same, withChargeStore } from '../with-charge-store.js';

/**
 * A new charge is stored as given: Money up to the largest safe integer, every date as a Date to the
 * millisecond (also inside the card view and the failure's retry advice), nested JSON and non-ASCII
 * text intact, with its creation audit row. A charge without the optional fields comes back without
 * them; an unknown id or key is simply not there.
 */
export async function createCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const open = f.charge();
    const { nextAction: _action, reconcileAt: _reconcileAt, ...settled } = f.charge();
    const declined: ChargeRecord = {
      ...settled,
      status: 'failed',
      amount: { minor: 700, currency: 'JPY' },
      failure: {
        code: 'CARD_DECLINED',
        message: 'The issuer declined the charge',
        retryable: true,
        providerCode: '2',
        notBefore: f.at(86_400),
        advice: {
          retryable: true,
          notBefore: f.at(86_400),
          maxAttemptsPerDay: 5,
          retryUntil: f.at(3 * 86_400),
        },
      },
    };
    // Bigger than a 32-bit integer and a float's exact range ends right after it: a store that keeps
    // amounts as int4, or as float8 with a rounding step, is caught.
    const largest: ChargeRecord = {
      ...f.succeededCharge(),
      amount: { minor: Number.MAX_SAFE_INTEGER, currency: 'KWD' },
      refundedMinor: Number.MAX_SAFE_INTEGER - 1,
      refundingMinor: 1,
      reconcileAttempts: 3,
    };
    const {
      description: _description,
      nextAction: _nextAction,
      failure: _failure,
      returnUrl: _returnUrl,
      reconcileAt: _bareReconcileAt,
      ...bare
    } = f.charge({ customerId: f.customerId('bare'), metadata: {}, providerOptions: {}, providerRef: {} });

    for (const [label, record] of [
      ['an open charge with every field', open],
      ['a declined charge with retry advice', declined],
      ['a charge of the largest safe amount', largest],
      ['a charge without optional fields', bare],
    ] as const) {
      const audit = f.creationAudit(record);
      const result = await store.createCharge(record, audit);
      holds('create', result.created, `createCharge of ${label} returned created: false`);
      same('create', result.record, record, `createCharge(${label}).record`);
      same('create', await store.getCharge(record.id), record, `getCharge of ${label}`);
      same(
        'create',
        await store.findChargeByIdempotencyKey(record.customerId, record.idempotencyKey),
        record,
        `findChargeByIdempotencyKey of ${label}`,
      );
      same(
        'create',
        await store.listChargeAudit(record.id),
        [audit],
        `listChargeAudit after createCharge of ${label}`,
      );
    }

    const missing = await store.getCharge(`chg_${f.run}_missing`);
    holds('create', missing === undefined, () => `getCharge of an unknown id returned ${missing?.id ?? ''}`);
    const unknownKey = await store.findChargeByIdempotencyKey(
      open.customerId,
      `${open.idempotencyKey}_unknown`,
    );
    holds('create', unknownKey === undefined, 'findChargeByIdempotencyKey of an unknown key found a charge');
    same(
      'create',
      await store.listChargeAudit(`chg_${f.run}_missing`),
      [],
      'listChargeAudit of an unknown charge',
    );
  });
}
