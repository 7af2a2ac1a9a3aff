import { randomUUID } from 'node:crypto';
import { PAYONLINE_CHARGE_CARDS, PAYTURE_MAGIC_CARDS } from '@cardbind/testing/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChargeClient, type ProviderId } from './support/charge-client.js';
import { type Cluster, debitsTaken, eventually, FAST_WORKER, startCluster } from './support/cluster.js';
import type { HostProcess } from './support/host-process.js';

// The worst moment to die while charging: the provider has debited the card and its answer has not
// reached the instance, so the store still says `processing`. The slow-answer cards debit at once and
// answer after 30 s, far past the kill: the instance is always killed while it waits. The charge's
// order id was stored before the call, so the instance that comes back asks the provider about that
// order (Payture GetState, PayOnline Search) instead of sending another debit.
const SLOW_ANSWER_MS = 30_000;

// One public address for every instance, as behind a load balancer: the charge's return URL is built
// from it and is part of the request, so a retried key must meet the same one on the new instance.
// The reconciler's first check comes 1.5 s after the charge instead of a minute.
const SHARED = { PUBLIC_URL: 'http://localhost:8080/', CHARGE_RECONCILE_AFTER_MS: '1500' };
// The doomed instance's worker sleeps after its first round, so it never claims the charge in the
// moment before the kill: a claim held by a dead instance would only be free again after its lease.
const DOOMED = { ...SHARED, WORKER_IDLE_MS: '600000' };

const slowAnswerCards = {
  payture: PAYTURE_MAGIC_CARDS.chargeSlowAnswer.number,
  payonline: PAYONLINE_CHARGE_CARDS.slowAnswer.number,
} as const;

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({
    payture: { slowAnswerMs: SLOW_ANSWER_MS },
    payonline: { slowAnswerMs: SLOW_ANSWER_MS },
  });
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

function clientOf(host: HostProcess): ChargeClient {
  return new ChargeClient({ url: host.listeningUrl, payonline: cluster.payonline });
}

/** Provider checks of one order: how the reconciler learns what the lost answer would have said. */
function checksOf(provider: ProviderId, orderId: string): number {
  return provider === 'payture'
    ? cluster.payture.requests.filter(
        (request) => request.command === 'GetState' && request.fields?.OrderId === orderId,
      ).length
    : cluster.payonline.requestsTo('search').filter((request) => request.fields.OrderId === orderId).length;
}

/** Debit requests the emulator received (refused ones included). */
function debitRequests(provider: ProviderId): number {
  return provider === 'payture'
    ? cluster.payture.count('Pay')
    : cluster.payonline.requestsTo('rebill').length;
}

describe('an instance killed with SIGKILL while the provider answers a charge', () => {
  for (const provider of ['payture', 'payonline'] as const) {
    it(`${provider}: the instance that comes back settles it from the provider, with one debit`, async () => {
      const doomed = await cluster.start(DOOMED);
      const client = clientOf(doomed);
      const customer = `killed-mid-charge-${provider}`;
      const cookie = await client.api.logIn(customer);
      // PayOnline saves the card through its signed callback, which goes to the doomed instance.
      cluster.payonline.setCallbackUrl(new URL('/callbacks/payonline', doomed.listeningUrl).toString());
      const cardId = await client.bindCard(cookie, provider, slowAnswerCards[provider]);
      const debitsBefore = debitsTaken(cluster, provider).length;
      const requestsBefore = debitRequests(provider);
      const key = randomUUID();

      // The customer's request never gets an answer: its connection dies with the instance.
      const lost = client.chargeRequest(cookie, cardId, { amount: '12.34' }, key).then(
        () => 'answered',
        () => 'connection lost',
      );
      const orderId = await eventually(
        'the debit at the provider',
        () => debitsTaken(cluster, provider).slice(debitsBefore)[0],
        5_000,
      );
      await doomed.kill();
      expect(doomed.child.signalCode).toBe('SIGKILL');
      expect(await lost).toBe('connection lost');

      // What the crash left: the charge stored before the call, still processing, with its order id.
      const stored = await cluster.store.findChargeByIdempotencyKey(customer, key);
      expect(stored).toMatchObject({ status: 'processing', orderId, version: 0 });
      const chargeId = stored?.id ?? '';

      const back = await cluster.start({ ...SHARED, ...FAST_WORKER });
      const backClient = clientOf(back);
      // The customer's retry, as soon as the shop answers again: the same charge, never a second one.
      const retried = await backClient.charge(cookie, cardId, { amount: '12.34' }, key);
      expect(retried.id).toBe(chargeId);
      expect(await backClient.settled(cookie, chargeId)).toMatchObject({
        status: 'succeeded',
        amount: { minor: 1234 },
      });

      expect(checksOf(provider, orderId)).toBeGreaterThanOrEqual(1);
      const history = await cluster.store.listChargeAudit(chargeId);
      expect(history.map((row) => [row.from, row.to, row.trigger])).toEqual([
        [null, 'processing', 'charge'],
        ['processing', 'succeeded', 'reconcile'],
      ]);
      const settledBy = back
        .records()
        .filter((record) => record.event === 'charge.transition' && record.chargeId === chargeId);
      expect(settledBy.map((record) => [record.to, record.trigger])).toEqual([['succeeded', 'reconcile']]);

      // The same key again, settled now: the first result, and still nothing sent.
      expect(await backClient.charge(cookie, cardId, { amount: '12.34' }, key)).toMatchObject({
        id: chargeId,
        status: 'succeeded',
      });
      expect(await backClient.list(cookie)).toHaveLength(1);
      // Every debit the emulator took since the card was saved, whatever its order: this one, once.
      expect(debitsTaken(cluster, provider).slice(debitsBefore)).toEqual([chargeId]);
      expect(debitRequests(provider) - requestsBefore).toBe(1);
      await back.stop();
    }, 30_000);
  }
});
