import { completeAddSession, TEST_CARDS } from '@cardbind/testing/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, eventually, startCluster, workQueueOf } from './support/cluster.js';
import { HostApi, payOnlineForm } from './support/host-api.js';
import type { HostProcess } from './support/host-process.js';

// Two example hosts as separate Node processes (the built dist/main.js) on one PostgreSQL database, with
// shared session and token keys and shared emulators: what runs behind a load balancer. One database
// and one pair of processes for the whole file; every test has its own customer.
let cluster: Cluster;
let a: HostProcess;
let b: HostProcess;
let apiA: HostApi;
let apiB: HostApi;

beforeAll(async () => {
  cluster = await startCluster();
  // Together, as a deploy starts them: the store's migrations and the session table's creation both
  // run under advisory locks, so neither start fails on the other's DDL.
  [a, b] = await Promise.all([cluster.start(), cluster.start()]);
  apiA = new HostApi(a.url);
  apiB = new HostApi(b.url);
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

/** The Payture login the provider derives for a customer (`loginTemplate`'s default). */
function paytureLogin(customerId: string): string {
  return `customer-${customerId}`;
}

/** The `binding.transition` lines (cardbind's audit log) a process wrote for one binding. */
function transitionsOn(host: HostProcess, bindingId: string): unknown[] {
  return host
    .records()
    .filter((record) => record.event === 'binding.transition' && record.bindingId === bindingId)
    .map((record) => record.to);
}

/** The events the example's listener logged for a binding, on every instance: id → (from, to). */
function eventsLogged(bindingId: string): Map<string, string> {
  const events = new Map<string, string>();
  for (const host of [a, b]) {
    for (const record of host.records()) {
      if (record.event !== 'binding.event' || record.bindingId !== bindingId) continue;
      events.set(String(record.eventId), `${String(record.from)}→${String(record.to)}`);
    }
  }
  return events;
}

describe('two instances on one database', () => {
  it('finishes on B a Payture binding started on A, and saves the card once', async () => {
    const cookie = await apiA.logIn('cross-instance');
    // One session table and one set of keys: B knows the session A opened.
    expect(await apiB.customerOf(cookie)).toBe('cross-instance');

    const started = await apiA.start(cookie, 'payture');
    if (started.nextAction?.type !== 'redirect') throw new Error('Payture sends the customer away');
    const page = await completeAddSession(started.nextAction.url, { number: TEST_CARDS.success.number });
    expect(page.location).toContain(`binding=${started.id}`);
    // The load balancer sends the returning customer to B.
    expect((await apiB.paytureReturn(cookie, page.location ?? '')).status).toBe(303);

    const onB = await apiB.binding(cookie, started.id);
    expect(onB.status).toBe('succeeded');
    expect(await apiA.binding(cookie, started.id)).toMatchObject({ status: 'succeeded', card: onB.card });
    expect(transitionsOn(b, started.id)).toContain('succeeded');
    expect(transitionsOn(a, started.id)).not.toContain('succeeded');
    for (const api of [apiA, apiB]) {
      expect((await api.cards(cookie)).map((card) => card.id)).toEqual([onB.card?.id]);
    }
    expect(cluster.payture.customers.get(paytureLogin('cross-instance'))?.cards).toHaveLength(1);

    // A logout on B ends the session A opened, on A too: the row is gone from the shared table.
    expect((await apiB.request('/api/session', { method: 'DELETE', cookie })).status).toBe(204);
    expect(await apiA.customerOf(cookie)).toBeUndefined();
  });

  it('saves one card when 50 finalises and status checks race across both instances', async () => {
    const cookie = await apiA.logIn('racing');
    const started = await apiA.start(cookie, 'payture');
    if (started.nextAction?.type !== 'redirect') throw new Error('Payture sends the customer away');
    const page = await completeAddSession(started.nextAction.url, { number: TEST_CARDS.success.number });
    const location = page.location ?? '';

    // Returns (finalise) and polls (checkOrder), alternating between the instances, all at once: the
    // store's compare-and-set lets exactly one of them save the card; the others see its result.
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, index) => {
        const api = index % 2 === 0 ? apiA : apiB;
        if (index % 4 < 2) {
          const back = await api.paytureReturn(cookie, location);
          return back.status === 303 ? 'returned' : `return answered ${back.status}`;
        }
        const binding = await api.binding(cookie, started.id);
        return binding.status === 'succeeded' ? binding.card?.id : `status ${binding.status}`;
      }),
    );
    const cards = await apiB.cards(cookie);
    expect(cards).toHaveLength(1);
    const cardId = cards[0]?.id;
    expect(new Set(answers)).toEqual(new Set(['returned', cardId]));
    expect((await apiA.cards(cookie)).map((card) => card.id)).toEqual([cardId]);

    const audit = await cluster.store.listAudit(started.id);
    expect(audit.filter((row) => row.to === 'succeeded')).toHaveLength(1);
    expect([...transitionsOn(a, started.id), ...transitionsOn(b, started.id)]).toEqual(
      expect.arrayContaining(['succeeded']),
    );
    expect(
      [...transitionsOn(a, started.id), ...transitionsOn(b, started.id)].filter((to) => to === 'succeeded'),
    ).toHaveLength(1);
    // At the provider: one card in the customer's wallet, and nothing deleted by a loser of the race.
    expect(cluster.payture.customers.get(paytureLogin('racing'))?.cards).toHaveLength(1);
    expect(cluster.payture.count('Delete')).toBe(0);
  });

  it('a PayOnline callback on A while B polls: one card, one void, every event delivered', async () => {
    const { payonline } = cluster;
    payonline.setCallbackUrl(new URL('/callbacks/payonline', a.url).toString());
    const cookie = await apiB.logIn('callback-and-poll');
    const started = await apiB.start(cookie, 'payonline');
    const form = payOnlineForm(started, TEST_CARDS.success);

    // B polls as the page does (tighter), while the card goes to PayOnline, whose callback goes to A.
    let polling = true;
    const polls = (async () => {
      const seen: string[] = [];
      while (polling) seen.push((await apiB.binding(cookie, started.id)).status);
      return seen;
    })();
    await payonline.submitCard(Object.fromEntries(form.body));
    await payonline.callbacksSettled();
    const settled = await apiB.settled(cookie, started.id);
    polling = false;
    expect((await polls).length).toBeGreaterThan(0);
    expect(settled.status).toBe('succeeded');
    const orderId = form.body.get('OrderId') ?? '';
    const toA = payonline.callbacks.filter(
      (delivery) => delivery.orderId === orderId && delivery.url?.startsWith(a.url) === true,
    );
    expect(toA.map((delivery) => delivery.outcome)).toContain('delivered');

    for (const api of [apiA, apiB]) expect(await api.cards(cookie)).toHaveLength(1);
    const [transaction] = payonline.order(orderId);
    if (transaction === undefined) throw new Error('PayOnline has no payment for the order');
    const voids = () =>
      payonline.requestsTo('void').filter((request) => request.fields.TransactionId === transaction.id);
    await eventually('the void', () => (voids().length > 0 ? true : undefined));
    // Long enough for a second void, if anything were to send one: a lease and a few worker rounds.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(voids()).toHaveLength(1);
    expect(transaction.status).toBe('Voided');

    // Every transition's event reached the listener on one instance or the other (duplicates allowed:
    // at least once), each under its own stable id.
    const audit = await cluster.store.listAudit(started.id);
    const expected = audit.map((row) => `${row.from ?? 'null'}→${row.to}`);
    const logged = await eventually('every event logged', () => {
      const events = eventsLogged(started.id);
      return events.size >= expected.length ? events : undefined;
    });
    expect([...logged.values()].sort()).toEqual([...expected].sort());
    const queue = workQueueOf(cluster.store);
    if (queue === undefined) throw new Error('@cardbind/store-postgres has no work queue yet');
    const items = await queue.listWork({ bindingId: started.id });
    const eventIds = items.filter((item) => item.kind === 'binding.event').map((item) => item.id);
    expect(new Set(logged.keys())).toEqual(new Set(eventIds));
    await eventually('every work item done', async () => {
      const all = await queue.listWork({ bindingId: started.id });
      return all.every((item) => item.status === 'done') ? true : undefined;
    });
  });
});
