import { ChargeCheckOutcome } from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { unusedOrderId, withCharging } from './charging-support.js';
import { DEFAULT_GUARD_MS } from './faults-case.js';
import { describeError, settleWithin } from './support.js';

/** Direct checks of the one unknown order: a second ask must answer the same and debit nothing too. */
const CHECKS = 2;

/**
 * `checkCharge` about an order the gateway never received (called directly, with a fresh order id
 * and a bound card) answers `not_found`, and debits nothing. That answer is what lets the service
 * fail a charge whose request never arrived, after its grace; `failed` would end a charge whose
 * request may still be on its way, `pending` or `succeeded` would invent a payment, and a throw
 * would keep it open for ever.
 */
export async function chargeNotFoundCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  const guardMs = options.guardMs ?? DEFAULT_GUARD_MS;
  await withCharging(options, 'chargeNotFound', async (h, kit) => {
    const card = await kit.bindCard();
    const provider = h.provider();
    const orderId = unusedOrderId();
    const now = h.clock.now();
    for (let check = 0; check < CHECKS; check++) {
      const asked = provider.checkCharge?.({
        chargeId: orderId,
        orderId,
        customerId: card.customerId,
        card,
        amount: kit.amount,
        providerOptions: { ...kit.charging.providerOptions },
        now: h.clock.now(),
        status: 'processing',
        providerRef: {},
        createdAt: now,
      });
      conform('chargeNotFound', asked !== undefined, 'the provider has no checkCharge');
      const settled = await settleWithin(asked, guardMs);
      conform('chargeNotFound', settled.kind !== 'stuck', `checkCharge did not answer within ${guardMs} ms`);
      conform(
        'chargeNotFound',
        settled.kind === 'value',
        () =>
          `checkCharge of an order the gateway never received threw ${describeError(settled.kind === 'error' ? settled.error : undefined)}: answer { status: 'not_found' }, or the charge stays open for ever`,
      );
      const outcome = ChargeCheckOutcome.safeParse(settled.value);
      conform(
        'chargeNotFound',
        outcome.success,
        'checkCharge answered something that is not a ChargeCheckOutcome',
      );
      conform(
        'chargeNotFound',
        outcome.data.status === 'not_found',
        () =>
          `checkCharge of an order the gateway never received answered ${outcome.data.status}, not not_found` +
          (outcome.data.status === 'failed'
            ? ': failed ends a charge whose request may still arrive and debit'
            : ': that invents a payment'),
      );
    }
    await kit.expectDebits('after checkCharge of an order never sent', orderId, 0, 0);
  });
}
