import { conform } from '../conformance-violation.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { describeCharge, withCharging } from './charging-support.js';
import { DEFAULT_GUARD_MS } from './faults-case.js';
import { describeError, settleWithin } from './support.js';

/**
 * The gateway debits and the answer is lost (`charging.loseChargeAnswer`): the charge comes back
 * `processing` (or `succeeded`, if the provider learned the verdict without a second debit), never
 * `failed`; the reconciler asks about the same order and settles it `succeeded`, and the gateway
 * still holds exactly one debit. A provider that sends the debit again — under a fresh order id
 * when the first attempt throws, or from `checkCharge` — is caught by the ledger.
 */
export async function chargeLostAnswerCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  const guardMs = options.guardMs ?? DEFAULT_GUARD_MS;
  await withCharging(options, 'chargeLostAnswer', async (h, kit) => {
    const card = await kit.bindCard();
    // The service fixes the order id as the charge id: reserved here, the backend can be armed for it.
    const orderId = h.reserveChargeId();
    await kit.charging.loseChargeAnswer?.({ backend: h.backend, orderId });

    const settled = await settleWithin(kit.charge(card, 'conformance-lost-1'), guardMs);
    conform(
      'chargeLostAnswer',
      settled.kind !== 'stuck',
      `a charge whose answer was lost did not give up within ${guardMs} ms: give the provider's HTTP client env.httpTimeouts`,
    );
    conform(
      'chargeLostAnswer',
      settled.kind === 'value',
      () =>
        `a charge whose answer was lost threw ${describeError(settled.kind === 'error' ? settled.error : undefined)}`,
    );
    const charge = settled.value;
    conform(
      'chargeLostAnswer',
      charge.id === orderId && (await kit.record(charge.id)).orderId === orderId,
      'the charge did not get the id the suite reserved for it',
    );
    conform(
      'chargeLostAnswer',
      charge.status === 'processing' || charge.status === 'succeeded',
      () =>
        `the gateway debited, its answer was lost, and the charge came back ${describeCharge(charge)}: a provider that does not know must throw (the charge stays processing and the reconciler asks)`,
    );
    await kit.expectDebits(
      `after a charge whose answer was lost (it came back ${charge.status})`,
      orderId,
      1,
      1,
    );

    await kit.reconcile();
    const reconciled = await h.charges.get(charge.id);
    conform(
      'chargeLostAnswer',
      reconciled.status === 'succeeded',
      () =>
        `after the reconciler asked about the order the charge is ${describeCharge(reconciled)}, not succeeded: checkCharge must find the debit made for ctx.orderId`,
    );
    await kit.expectDebits(
      'after the reconciler settled a charge whose answer was lost: asking about an order must never send a second debit',
      orderId,
      1,
      1,
    );

    const requestsBefore = h.proxy.requests.length;
    const again = await kit.charge(card, 'conformance-lost-1');
    conform(
      'chargeLostAnswer',
      again.status === 'succeeded' && h.proxy.requests.length === requestsBefore,
      () => `the same key after the reconciler gave ${describeCharge(again)} or sent a request`,
    );
  });
}
