import { TEST_CARDS } from '@cardbind/testing/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, eventually, FAST_WORKER, startCluster, workQueueOf } from './support/cluster.js';
import { HostApi, payOnlineForm } from './support/host-api.js';
import type { HostProcess } from './support/host-process.js';

// The worst moment to die: PayOnline said yes, the card is saved, and the void of the verification
// payment has not run. Instance A holds every after-step for a minute (AFTER_STEP_DELAY_MS), so the
// kill lands in that window every time; B is an ordinary instance on the same database.
let cluster: Cluster;
let a: HostProcess;
let b: HostProcess;

beforeAll(async () => {
  cluster = await startCluster();
  [a, b] = await Promise.all([cluster.start({ AFTER_STEP_DELAY_MS: '60000' }), cluster.start()]);
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

describe('an instance killed with SIGKILL', () => {
  it('after the card was saved and before the void: nothing stuck, the void done exactly once', async () => {
    const { payonline, store } = cluster;
    const queue = workQueueOf(store);
    const apiA = new HostApi(a.url);
    payonline.setCallbackUrl(new URL('/callbacks/payonline', a.url).toString());

    const cookie = await apiA.logIn('killed-mid-void');
    const started = await apiA.start(cookie, 'payonline');
    const form = payOnlineForm(started, TEST_CARDS.success);
    const orderId = form.body.get('OrderId') ?? '';
    await payonline.submitCard(Object.fromEntries(form.body));
    await payonline.callbacksSettled();
    expect((await apiA.settled(cookie, started.id)).status).toBe('succeeded');

    const [transaction] = payonline.order(orderId);
    if (transaction === undefined) throw new Error('PayOnline has no payment for the order');
    const voids = () =>
      payonline.requestsTo('void').filter((request) => request.fields.TransactionId === transaction.id);
    // A has taken the void (leased to it) and sits in the delay: nothing sent yet.
    if (queue) {
      const [afterStep] = (await queue.listWork({ bindingId: started.id })).filter(
        (item) => item.kind === 'binding.after_success',
      );
      expect(afterStep?.status).toBe('running');
    }
    expect(voids()).toHaveLength(0);

    await a.kill();
    expect(a.child.signalCode).toBe('SIGKILL');
    expect(voids()).toHaveLength(0);

    // A comes back (without the delay) next to B; whichever worker finds the item once A's lease ran
    // out voids the payment.
    const restarted = await cluster.start();
    await eventually('the void after the crash', () => (voids().length > 0 ? true : undefined), 15_000);
    // A lease and several worker rounds more: time for a second void, if anything were to send one.
    await new Promise((resolve) => setTimeout(resolve, Number(FAST_WORKER.WORK_LEASE_MS) + 1_000));
    expect(voids()).toHaveLength(1);
    expect(transaction.status).toBe('Voided');

    // Nothing stuck: the binding is terminal, every item it caused is done, the card is there once.
    const apiRestarted = new HostApi(restarted.url);
    expect(await apiRestarted.binding(cookie, started.id)).toMatchObject({ status: 'succeeded' });
    expect(await new HostApi(b.url).cards(cookie)).toHaveLength(1);
    if (queue === undefined) throw new Error('@cardbind/store-postgres has no work queue yet');
    const items = await queue.listWork({ bindingId: started.id });
    expect(items.map((item) => [item.kind, item.status])).toEqual(
      expect.arrayContaining([['binding.after_success', 'done']]),
    );
    expect(items.filter((item) => item.status !== 'done')).toEqual([]);
    const afterStep = items.find((item) => item.kind === 'binding.after_success');
    // Claimed twice: by A, which died holding it, and by the worker that finished it.
    expect(afterStep?.attempts).toBe(2);
    const voidedBy = [b, restarted].filter((host) =>
      host.records().some((record) => record.event === 'payonline.voided' && record.bindingId === started.id),
    );
    expect(voidedBy).toHaveLength(1);
  }, 40_000);
});
