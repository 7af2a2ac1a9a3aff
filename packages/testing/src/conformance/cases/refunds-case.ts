import { randomBytes } from 'node:crypto';
import { CardBindingError, type Refund, RefundOutcome } from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { describeCharge, withCharging } from './charging-support.js';
import { DEFAULT_GUARD_MS } from './faults-case.js';
import { describeError, settleWithin } from './support.js';

function describeRefund(refund: Refund): string {
  if (!refund.failure) return refund.status;
  const raw =
    refund.failure.providerCode === undefined ? '' : `, provider code ${refund.failure.providerCode}`;
  return `${refund.status} (${refund.failure.code}${raw})`;
}

/**
 * A succeeded charge is refunded in part, then the rest: both succeed and the charge is refunded in
 * full. Between them the provider is asked directly to refund more than is left, as a service
 * without the amount guard would: the gateway refuses, and the provider must say `failed` — never
 * `succeeded`, and not a throw (a refusal is a known answer). A further refund is refused by the
 * service itself with REFUND_EXCEEDS_CHARGE before anything is sent.
 */
export async function refundsCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  const guardMs = options.guardMs ?? DEFAULT_GUARD_MS;
  await withCharging(options, 'refunds', async (h, kit) => {
    const card = await kit.bindCard();
    const charge = await kit.settle(await kit.charge(card, 'conformance-refunded-1'));
    conform(
      'refunds',
      charge.status === 'succeeded',
      () => `the charge to refund is ${describeCharge(charge)}, not succeeded`,
    );
    const currency = kit.amount.currency;
    const part = Math.max(1, Math.floor(kit.amount.minor / 3));
    const rest = kit.amount.minor - part;

    const first = await h.capture.track('refund conformance-refund-1', () =>
      h.charges.refund(charge.id, {
        amount: { minor: part, currency },
        idempotencyKey: 'conformance-refund-1',
      }),
    );
    conform(
      'refunds',
      first.status === 'succeeded',
      () =>
        `a refund of ${part} of ${kit.amount.minor} minor units gave ${describeRefund(first)}, not succeeded`,
    );

    const provider = h.provider();
    const record = await kit.record(charge.id);
    const over = provider.refund?.({
      refundId: `re_${randomBytes(16).toString('base64url')}`,
      charge: kit.stateContext(record, card),
      amount: { minor: rest + 1, currency },
      refundedBefore: { minor: record.refundedMinor, currency },
      now: h.clock.now(),
    });
    conform('refunds', over !== undefined, 'the provider has no refund');
    const settled = await settleWithin(over, guardMs);
    conform('refunds', settled.kind !== 'stuck', `an over-refund did not give up within ${guardMs} ms`);
    conform(
      'refunds',
      settled.kind === 'value',
      () =>
        `refunding ${rest + 1} minor units when ${rest} are left threw ${describeError(settled.kind === 'error' ? settled.error : undefined)}: the gateway's refusal is a known answer, return { status: 'failed', error }`,
    );
    const outcome = RefundOutcome.safeParse(settled.value);
    conform('refunds', outcome.success, 'refund answered something that is not a RefundOutcome');
    conform(
      'refunds',
      outcome.data.status === 'failed',
      () =>
        `refunding ${rest + 1} minor units when ${rest} are left answered ${outcome.data.status}, not failed: report what the gateway said`,
    );

    const second = await h.capture.track('refund conformance-refund-2', () =>
      h.charges.refund(charge.id, { idempotencyKey: 'conformance-refund-2' }),
    );
    conform(
      'refunds',
      second.status === 'succeeded' && second.amount.minor === rest,
      () => `refunding the rest (${rest}) gave ${describeRefund(second)} for ${second.amount.minor}`,
    );
    const refunded = await h.charges.get(charge.id);
    conform(
      'refunds',
      refunded.refunded.minor === kit.amount.minor,
      `after both refunds the charge shows ${refunded.refunded.minor} of ${kit.amount.minor} refunded`,
    );

    const requestsBefore = h.proxy.requests.length;
    const further = await h.charges.refund(charge.id, { idempotencyKey: 'conformance-refund-3' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    conform(
      'refunds',
      CardBindingError.is(further, 'REFUND_EXCEEDS_CHARGE'),
      () =>
        `a refund of a fully refunded charge gave ${further === undefined ? 'a new refund' : describeError(further)}, not REFUND_EXCEEDS_CHARGE`,
    );
    const replayed = await h.charges.refund(charge.id, {
      amount: { minor: part, currency },
      idempotencyKey: 'conformance-refund-1',
    });
    conform('refunds', replayed.id === first.id, 'a refund replayed by its key made another refund');
    conform(
      'refunds',
      h.proxy.requests.length === requestsBefore,
      'a refused or replayed refund sent a request to the gateway',
    );
    await kit.expectDebits('after the refunds', record.orderId, 1, 1);
  });
}
