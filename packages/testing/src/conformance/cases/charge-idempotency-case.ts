import type { Charge } from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { describeCharge, withCharging } from './charging-support.js';
import { describeError } from './support.js';

/** Calls at once with one key, and charges at once with their own keys, over two host processes. */
const CONCURRENT_CHARGES = 5;

/**
 * One key, one debit: the same key twice in a row, then five calls at once over two host processes,
 * each give one charge and one debit. And five charges at once with their own keys each debit once,
 * under their own order ids: a provider that keeps per-charge state on the instance (shared by
 * every concurrent call) mixes them up.
 */
export async function chargeIdempotencyCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  await withCharging(options, 'chargeIdempotency', async (h, kit) => {
    const card = await kit.bindCard();
    const other = h.otherCharges();

    const first = await kit.settle(await kit.charge(card, 'conformance-key-1'));
    conform(
      'chargeIdempotency',
      first.status === 'succeeded',
      () => `a charge gave ${describeCharge(first)}, not succeeded`,
    );
    const again = await kit.charge(card, 'conformance-key-1', other);
    conform(
      'chargeIdempotency',
      again.id === first.id && again.status === first.status,
      () => `the same key again (another process) gave charge ${again.id}, ${describeCharge(again)}`,
    );
    const firstOrder = (await kit.record(first.id)).orderId;
    await kit.expectDebits('after the same key twice', firstOrder, 1, 1);

    const racing = await Promise.allSettled(
      Array.from({ length: CONCURRENT_CHARGES }, (_, index) =>
        kit.charge(card, 'conformance-key-2', index % 2 === 0 ? h.charges : other),
      ),
    );
    const raced = fulfilled(racing, 'a concurrent charge with one key');
    const ids = new Set(raced.map((charge) => charge.id));
    conform(
      'chargeIdempotency',
      ids.size === 1,
      `${CONCURRENT_CHARGES} concurrent charges with one key made ${ids.size} charges`,
    );
    const racedId = raced[0]?.id ?? '';
    const settled = await kit.settle(await h.charges.get(racedId));
    conform(
      'chargeIdempotency',
      settled.status === 'succeeded',
      () => `the charge of the concurrent calls is ${describeCharge(settled)}, not succeeded`,
    );
    await kit.expectDebits(
      `after ${CONCURRENT_CHARGES} concurrent calls with one key`,
      (await kit.record(racedId)).orderId,
      1,
      2,
    );

    const separate = fulfilled(
      await Promise.allSettled(
        Array.from({ length: CONCURRENT_CHARGES }, (_, index) =>
          kit.charge(card, `conformance-key-3-${index}`, index % 2 === 0 ? h.charges : other),
        ),
      ),
      'one of concurrent charges with their own keys',
    );
    const settledSeparately: Charge[] = [];
    for (const charge of separate) settledSeparately.push(await kit.settle(charge));
    const debits = await kit.debits();
    for (const current of settledSeparately) {
      const orderId = (await kit.record(current.id)).orderId;
      const ofOrder = debits.filter((id) => id === orderId).length;
      conform(
        'chargeIdempotency',
        current.status === 'succeeded' && ofOrder === 1,
        () =>
          `of ${CONCURRENT_CHARGES} concurrent charges with their own keys, one is ${describeCharge(current)} with ${ofOrder} debit(s) for its order id ${orderId}: each charge must send its own ctx.orderId, whatever else runs at the same time`,
      );
    }
    conform(
      'chargeIdempotency',
      debits.length === 2 + CONCURRENT_CHARGES,
      () =>
        `after 2 charges and ${CONCURRENT_CHARGES} concurrent ones the gateway's ledger holds ${debits.length} debits`,
    );
  });
}

function fulfilled(results: PromiseSettledResult<Charge>[], what: string): Charge[] {
  return results.map((result) => {
    conform(
      'chargeIdempotency',
      result.status === 'fulfilled',
      () => `${what} threw: ${describeError(result.status === 'rejected' ? result.reason : undefined)}`,
    );
    return result.value;
  });
}
