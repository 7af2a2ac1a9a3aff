import { CardBindingFailure } from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { describeCharge, withCharging } from './charging-support.js';
import { DEFAULT_DECLINE_CODES } from './decline-case.js';

/**
 * A card whose charges the gateway declines (`charging.bindDecliningCard`) is charged → `failed` with
 * a typed decline code and the gateway's own code in `providerCode`, and no money moved: `failed`
 * means exactly that, so a provider may answer it only when the gateway said no.
 */
export async function chargeDeclineCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  await withCharging(options, 'chargeDecline', async (h, kit) => {
    const allowed = kit.charging.declineCodes ?? DEFAULT_DECLINE_CODES;
    const charging = kit.charging;
    const card = await kit.bindCard(async (ctx) => charging.bindDecliningCard?.(ctx));
    const charge = await kit.settle(await kit.charge(card, 'conformance-decline-1'));
    const record = await kit.record(charge.id);
    const debits = await kit.debits();
    conform(
      'chargeDecline',
      charge.status === 'failed',
      () =>
        `charging a card whose charges decline gave ${describeCharge(charge)}, not failed (the gateway's ledger holds ${debits.length} debit(s))`,
    );
    const failure = CardBindingFailure.safeParse(charge.failure);
    conform('chargeDecline', failure.success, 'a failed charge has no valid failure');
    conform(
      'chargeDecline',
      allowed.includes(failure.data.code),
      `a declined charge ended with ${failure.data.code}; expected one of ${allowed.join(', ')}`,
    );
    conform(
      'chargeDecline',
      failure.data.providerCode !== undefined && failure.data.providerCode !== '',
      "a declined charge has no providerCode: keep the gateway's own code, the retry advice and support tickets read it",
    );
    await kit.expectDebits('after a decline', record.orderId, 0, 0);

    const requestsBefore = h.proxy.requests.length;
    const again = await kit.charge(card, 'conformance-decline-1');
    conform(
      'chargeDecline',
      JSON.stringify(again) === JSON.stringify(charge),
      () => `charging again with the same key gave ${describeCharge(again)}`,
    );
    conform(
      'chargeDecline',
      h.proxy.requests.length === requestsBefore,
      'a declined charge replayed by its key sent a request',
    );
  });
}
