import { conform } from '../conformance-violation.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { describeCharge, withCharging } from './charging-support.js';
import { keysOf } from './support.js';

/**
 * A bound card is charged → `succeeded`, and the gateway's ledger holds exactly one debit, under the
 * charge's own order id (the one the service fixed before the call, which the reconciler would ask
 * about). The host's view carries no token; the same key again returns the same charge and sends
 * nothing.
 */
export async function chargeSuccessCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  await withCharging(options, 'chargeSuccess', async (h, kit) => {
    const card = await kit.bindCard();
    const charge = await kit.settle(await kit.charge(card, 'conformance-charge-1'));
    conform(
      'chargeSuccess',
      charge.status === 'succeeded',
      () => `charging a bound card gave ${describeCharge(charge)}, not succeeded`,
    );
    conform(
      'chargeSuccess',
      charge.amount.minor === kit.amount.minor && charge.amount.currency === kit.amount.currency,
      'the charge is not for the amount asked',
    );
    const record = await kit.record(charge.id);
    await kit.expectDebits('after one charge', record.orderId, 1, 1);

    const json = JSON.stringify(charge);
    conform('chargeSuccess', !keysOf(charge).has('token'), 'the Charge has a "token" field');
    conform('chargeSuccess', !json.includes(card.token), 'the Charge contains the card token');

    const requestsBefore = h.proxy.requests.length;
    const again = await kit.charge(card, 'conformance-charge-1');
    conform(
      'chargeSuccess',
      JSON.stringify(again) === json,
      () => `charging again with the same key gave ${describeCharge(again)}, another charge`,
    );
    conform(
      'chargeSuccess',
      h.proxy.requests.length === requestsBefore,
      () => `a charge replayed by its key sent ${h.proxy.requests.length - requestsBefore} request(s)`,
    );
    conform(
      'chargeSuccess',
      JSON.stringify(await h.charges.get(charge.id)) === json,
      'get() disagrees with what charge returned',
    );
    await kit.expectDebits('after the same key again', record.orderId, 1, 1);
  });
}
