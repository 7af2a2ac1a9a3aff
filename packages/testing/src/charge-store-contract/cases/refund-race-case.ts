import type { ChargeRecord, RefundRecord } from '@cardbind/core';
import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { createdCharge, describeError, same, withChargeStore } from '../with-charge-store.js';

export const RACING_REFUNDS = 10;
const AMOUNT = 1_000;
const PART = 300;
// Each racer retries after a lost compare-and-set; more rounds than racers means a live store never runs out.
const MAX_ROUNDS = RACING_REFUNDS * 5;

/**
 * Ten requests refund 300 of one 1000 charge at once, each as the service does: read the charge, and
 * unless the part no longer fits, createRefund with a compare-and-set that holds it. Only the
 * compare-and-set winners may create refunds, so exactly three exist, and the charge holds exactly
 * their amounts: two racers can never both take the last ruble.
 */
export async function refundRaceCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const fresh = f.succeededCharge({ amount: { minor: AMOUNT, currency: 'RUB' } });
    const charge = await createdCharge('refundRace', store, fresh, f.creationAudit(fresh));
    const racer = async (n: number): Promise<{ created?: RefundRecord; conflicts: number }> => {
      let conflicts = 0;
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const current: ChargeRecord | undefined = await store.getCharge(charge.id);
        holds('refundRace', current !== undefined, 'getCharge lost the charge during the race');
        if (current.refundedMinor + current.refundingMinor + PART > current.amount.minor)
          return { conflicts };
        const refund = f.refund(current, {
          idempotencyKey: `race_${f.run}_${n}`,
          amount: { minor: PART, currency: 'RUB' },
          createdAt: f.at(10 + n),
          updatedAt: f.at(10 + n),
        });
        const result = await store.createRefund(
          refund,
          f.refundCreationAudit(refund),
          f.hold(current, refund).cas,
        );
        if ('conflict' in result) {
          conflicts += 1;
          continue;
        }
        holds(
          'refundRace',
          result.created,
          () => `racer ${n}'s first createRefund with its own key returned created: false`,
        );
        return { created: result.refund, conflicts };
      }
      throw new Error(`racer ${n} lost ${MAX_ROUNDS} compare-and-sets in a row`);
    };
    const settled = await Promise.allSettled(Array.from({ length: RACING_REFUNDS }, (_, n) => racer(n)));
    const outcomes = settled.map((outcome, n) => {
      holds(
        'refundRace',
        outcome.status === 'fulfilled',
        () =>
          `racer ${n} failed: ${describeError(outcome.status === 'rejected' ? outcome.reason : undefined)}`,
      );
      return outcome.value;
    });
    const winners = outcomes.flatMap((outcome) => (outcome.created ? [outcome.created] : []));
    const fits = Math.floor(AMOUNT / PART);
    const stored = await store.listRefunds(charge.id);
    const final = await store.getCharge(charge.id);
    const heldByRefunds = stored.reduce((sum, refund) => sum + refund.amount.minor, 0);
    holds(
      'refundRace',
      stored.length === winners.length,
      () =>
        `listRefunds holds ${stored.length} refunds, but only ${winners.length} createRefund calls won their charge compare-and-set`,
    );
    holds(
      'refundRace',
      final !== undefined && final.refundingMinor === heldByRefunds,
      () =>
        `the charge holds ${final?.refundingMinor ?? 'nothing'} for refunds, but its ${stored.length} refunds hold ${heldByRefunds}`,
    );
    holds(
      'refundRace',
      winners.length === fits,
      () =>
        `${RACING_REFUNDS} racing refunds of ${PART} from ${AMOUNT} created ${winners.length} refunds, not ${fits}`,
    );
    same(
      'refundRace',
      [...stored].sort((a, b) => (a.id < b.id ? -1 : 1)),
      [...winners].sort((a, b) => (a.id < b.id ? -1 : 1)),
      'the stored refunds (exactly those the winners were told were created)',
    );
    const history = await store.listChargeAudit(charge.id);
    same(
      'refundRace',
      history
        .filter((row) => row.subject === 'refund')
        .map((row) => row.subjectId)
        .sort(),
      winners.map((refund) => refund.id).sort(),
      'the refund audit rows after the race (one per created refund)',
    );
  });
}
