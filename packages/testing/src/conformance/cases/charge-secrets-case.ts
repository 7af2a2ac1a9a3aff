import { randomBytes } from 'node:crypto';
import type { ProviderChargeStateContext, SavedCard } from '@cardbind/core';
import { testCardSecrets } from '../../cards/test-cards.js';
import { findSecrets, type NamedSecret, SecretLeakError } from '../../capture/expect-no-secrets.js';
import { conform } from '../conformance-violation.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { unusedOrderId, withCharging } from './charging-support.js';
import { CONFORMANCE_FAULTS } from './faults-case.js';

/**
 * The charge flow captured whole — a success, a decline and a lost answer where declared, a check
 * of an unknown order, a refund where declared, charges under the faults whose answers carry text,
 * and the reconciler settling them — then searched: no saved card's token, no configured secret and
 * no TEST_CARDS number or CVV appears in a log line, the transcript, an error, a Charge, a Refund or
 * a charge's history, in any encoding. The token travels on every debit request, so this is where a
 * provider that logs its request (or names the token in an error) shows.
 */
export async function chargeSecretsCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  await withCharging(options, 'chargeSecrets', async (h, kit) => {
    const record = (label: string) => (error: unknown) => h.capture.record(label, error);
    const cards: SavedCard[] = [await kit.bindCard()];
    const [card] = cards;
    conform('chargeSecrets', card !== undefined, 'no card was bound');
    const chargeIds: string[] = [];
    const charged = await kit.settle(await kit.charge(card, 'conformance-secret-1'));
    chargeIds.push(charged.id);

    const charging = kit.charging;
    if (charging.bindDecliningCard && options.skip?.chargeDecline === undefined) {
      const declining = await kit.bindCard(async (ctx) => charging.bindDecliningCard?.(ctx));
      cards.push(declining);
      chargeIds.push((await kit.charge(declining, 'conformance-secret-decline')).id);
    }
    if (charging.loseChargeAnswer && options.skip?.chargeLostAnswer === undefined) {
      const orderId = h.reserveChargeId();
      await charging.loseChargeAnswer({ backend: h.backend, orderId });
      chargeIds.push((await kit.charge(card, 'conformance-secret-lost')).id);
    }
    const unknown = unusedOrderId();
    const unknownCtx: ProviderChargeStateContext = {
      ...kit.stateContext(await kit.record(charged.id), card),
      chargeId: unknown,
      orderId: unknown,
      status: 'processing',
    };
    const provider = h.provider();
    await h.capture
      .track('checkCharge of an unknown order', async () => provider.checkCharge?.(unknownCtx))
      .catch(record('error from checkCharge of an unknown order'));
    if (charging.refunds === true && options.skip?.refunds === undefined && charged.status === 'succeeded') {
      await h.capture
        .track('refund', () =>
          h.charges.refund(charged.id, {
            amount: { minor: 1, currency: kit.amount.currency },
            idempotencyKey: `conformance-secret-refund-${randomBytes(4).toString('hex')}`,
          }),
        )
        .catch(record('error from a refund'));
    }
    // The faults whose answers carry text (an HTML error page, garbage) into transcripts and errors.
    const faults = CONFORMANCE_FAULTS.filter((f) => f.fault.kind === 'garbage' || f.label.includes('503'));
    for (const [index, { fault }] of faults.entries()) {
      h.armFault(fault);
      try {
        chargeIds.push((await kit.charge(card, `conformance-secret-fault-${index}`)).id);
      } finally {
        h.proxy.clear();
      }
    }
    await kit.reconcile();
    for (const id of chargeIds) {
      h.capture.record(`charge ${id} from get()`, await h.charges.get(id));
      h.capture.record(`charge ${id} history`, await h.charges.history(id));
      h.capture.record(`charge ${id} refunds`, await h.charges.listRefunds(id));
    }
    h.capture.record('charges from list()', await h.charges.list(h.customer.id));

    conform(
      'chargeSecrets',
      h.capture.transcript.length > 0,
      'no HTTP transcript was logged: create the HTTP client with createHttpClient({ logger }) using the logger from ProviderDependencies',
    );
    const secrets: NamedSecret[] = [
      ...options.secrets,
      ...testCardSecrets(),
      ...cards.map((saved, index) => ({ name: `the token of saved card #${index + 1}`, value: saved.token })),
    ];
    const sightings = findSecrets(h.capture, secrets);
    conform('chargeSecrets', sightings.length === 0, () => new SecretLeakError(sightings).message);
  });
}
