import { randomUUID } from 'node:crypto';
import { PAYONLINE_CHARGE_CARDS, PAYTURE_MAGIC_CARDS, TEST_CARDS } from '@cardbind/testing/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChargeEnvelope } from '../src/shared/charge-api-types.js';
import { ChargeClient, type ProviderId } from './support/charge-client.js';
import { type Cluster, debitsTaken, startCluster } from './support/cluster.js';
import type { HostProcess } from './support/host-process.js';

// Charging across two example hosts (separate Node processes, the built dist/main.js) on one
// PostgreSQL database, with the providers' emulators in this process: their ledgers are the ground
// truth for how often money moved. One cluster for the whole file; every test has its own customer,
// and counts what the emulators took during the test only.
//
// Both instances have one public address, as behind a load balancer. It matters for charging: the
// return URL a charge carries (for 3-D Secure) is built from it and belongs to the request, so a key
// replayed on an instance with another address would be refused as "other parameters". Nothing here
// follows that address; the tests call each instance where it listens.
//
// A's worker sleeps for the whole file (its first round runs at startup, the next one after ten
// minutes): a charge whose answer A lost can then only be settled by B's reconciler, and B does the
// bindings' background work too. Both check a lost answer 1 s after the charge instead of a minute.
const SHARED = { PUBLIC_URL: 'http://localhost:8080/', CHARGE_RECONCILE_AFTER_MS: '1000' };

let cluster: Cluster;
let a: HostProcess;
let b: HostProcess;
let clientA: ChargeClient;
let clientB: ChargeClient;

beforeAll(async () => {
  cluster = await startCluster();
  [a, b] = await Promise.all([cluster.start({ ...SHARED, WORKER_IDLE_MS: '600000' }), cluster.start(SHARED)]);
  clientA = new ChargeClient({ url: a.listeningUrl, payonline: cluster.payonline });
  clientB = new ChargeClient({ url: b.listeningUrl, payonline: cluster.payonline });
  // PayOnline saves a card through its signed callback (the poll only asks Search).
  cluster.payonline.setCallbackUrl(new URL('/callbacks/payonline', a.listeningUrl).toString());
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

/** Debit requests the emulator received (refused ones included): one call per charge, not one debit. */
function debitRequests(provider: ProviderId): number {
  return provider === 'payture'
    ? cluster.payture.count('Pay')
    : cluster.payonline.requestsTo('rebill').length;
}

/** Provider checks of one order: how the reconciler learns what a lost answer would have said. */
function checksOf(provider: ProviderId, orderId: string): number {
  return provider === 'payture'
    ? cluster.payture.requests.filter(
        (request) => request.command === 'GetState' && request.fields?.OrderId === orderId,
      ).length
    : cluster.payonline.requestsTo('search').filter((request) => request.fields.OrderId === orderId).length;
}

/** The statuses a process logged a charge moving to, with what moved it (`charge.transition`). */
function transitionsOn(host: HostProcess, chargeId: string): string[] {
  return host
    .records()
    .filter((record) => record.event === 'charge.transition' && record.chargeId === chargeId)
    .map((record) => `${String(record.to)} by ${String(record.trigger)}`);
}

describe('charging on two instances of one database', () => {
  for (const provider of ['payture', 'payonline'] as const) {
    it(`${provider}: 20 requests with one key, half to A and half to B at once: one charge, one debit`, async () => {
      const cookie = await clientA.api.logIn(`one-key-${provider}`);
      const cardId = await clientA.bindCard(cookie, provider, TEST_CARDS.success.number);
      const debitsBefore = debitsTaken(cluster, provider).length;
      const requestsBefore = debitRequests(provider);
      const key = randomUUID();

      // Alternating, so both instances race from the first request: in one process the calls share
      // one flight; across the two, the store's unique (customer, key) lets one of them call the
      // provider while the other waits for that call's answer.
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          (index % 2 === 0 ? clientA : clientB).chargeRequest(cookie, cardId, { amount: '10.00' }, key),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 201));
      const charges = answers.map((answer) => ChargeEnvelope.parse(answer.json).charge);
      const chargeId = charges[0]?.id ?? '';
      expect(new Set(charges.map((charge) => charge.id))).toEqual(new Set([chargeId]));
      // The instance that lost the race waited for the winner's answer instead of saying `processing`.
      expect(new Set(charges.map((charge) => charge.status))).toEqual(new Set(['succeeded']));

      for (const client of [clientA, clientB]) {
        expect(await client.settled(cookie, chargeId)).toMatchObject({
          status: 'succeeded',
          amount: { minor: 1000 },
        });
        expect((await client.list(cookie)).map((charge) => charge.id)).toEqual([chargeId]);
      }
      // Every debit the emulator took during the test, whatever its order: exactly this charge's one.
      expect(debitsTaken(cluster, provider).slice(debitsBefore)).toEqual([chargeId]);
      expect(debitRequests(provider) - requestsBefore).toBe(1);
      const history = await cluster.store.listChargeAudit(chargeId);
      expect(history.map((row) => [row.from, row.to, row.trigger])).toEqual([
        [null, 'processing', 'charge'],
        ['processing', 'succeeded', 'charge'],
      ]);
    });
  }

  const lostAnswerCards = {
    payture: PAYTURE_MAGIC_CARDS.chargeLostAnswer.number,
    payonline: PAYONLINE_CHARGE_CARDS.lostAnswer.number,
  } as const;
  for (const provider of ['payture', 'payonline'] as const) {
    it(`${provider}: an answer A lost is settled by B's reconciler, with one debit`, async () => {
      const cookie = await clientA.api.logIn(`lost-on-a-${provider}`);
      const cardId = await clientA.bindCard(cookie, provider, lostAnswerCards[provider]);
      const debitsBefore = debitsTaken(cluster, provider).length;
      const requestsBefore = debitRequests(provider);
      const key = randomUUID();

      // The provider debits and the connection dies before the answer: A can only say `processing`.
      const charge = await clientA.charge(cookie, cardId, { amount: '7.00' }, key);
      expect(charge.status).toBe('processing');
      expect(debitsTaken(cluster, provider).slice(debitsBefore)).toEqual([charge.id]);

      expect(await clientA.settled(cookie, charge.id)).toMatchObject({ status: 'succeeded' });
      expect(checksOf(provider, charge.id)).toBeGreaterThanOrEqual(1);
      expect(transitionsOn(b, charge.id)).toEqual(['succeeded by reconcile']);
      expect(transitionsOn(a, charge.id)).toEqual([]);
      const history = await cluster.store.listChargeAudit(charge.id);
      expect(history.map((row) => [row.from, row.to, row.trigger])).toEqual([
        [null, 'processing', 'charge'],
        ['processing', 'succeeded', 'reconcile'],
      ]);

      // A retry of the POST on B (a client that gave up on A): the same charge, nothing sent.
      const again = await clientB.charge(cookie, cardId, { amount: '7.00' }, key);
      expect(again).toMatchObject({ id: charge.id, status: 'succeeded' });
      expect(debitsTaken(cluster, provider).slice(debitsBefore)).toEqual([charge.id]);
      expect(debitRequests(provider) - requestsBefore).toBe(1);
    });
  }
});
