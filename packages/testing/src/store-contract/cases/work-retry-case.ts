import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { same, withStore } from '../with-store.js';
import {
  claimedNone,
  later,
  requireWorkQueue,
  settledView,
  workView,
  claimOnly,
  createWithWork,
} from '../work-queue-support.js';

const LEASE_MS = 60_000;

/**
 * A failed attempt that may succeed later goes back to pending at the retry's runAt (the runner's
 * backoff), lease released, attempts kept and the error code recorded; it is due again at that runAt
 * exactly, claimed with one more attempt, and each retry records its own error code.
 */
export async function workRetryCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async (sut, f) => {
    const store = requireWorkQueue('workRetry', sut.store);
    const fresh = f.binding();
    const item = f.workItem(fresh, { kind: 'binding.after_success', payload: {} });
    await createWithWork('workRetry', store, f, fresh, [item]);
    const ids = [item.id];
    const first = { owner: `first_${f.run}`, now: f.at(10), leaseMs: LEASE_MS };
    await claimOnly('workRetry', store, item, first, 'the first claim');

    const retryAt = later(first.now, 30_000);
    holds(
      'workRetry',
      await store.retryWork(item.id, first.owner, {
        runAt: retryAt,
        errorCode: 'PROVIDER_UNAVAILABLE',
        now: later(first.now, 100),
      }),
      'retryWork by the holder returned false',
    );
    const retried = settledView(item, 'pending', {
      attempts: 1,
      runAt: retryAt,
      lastErrorCode: 'PROVIDER_UNAVAILABLE',
    });
    same(
      'workRetry',
      (await store.listWork({ bindingId: fresh.id })).map(workView),
      [retried],
      'the item after retryWork (pending at the new runAt, no lease)',
    );
    holds(
      'workRetry',
      !(await store.completeWork(item.id, first.owner, later(first.now, 200))),
      'completeWork of a retried (pending) item by its former holder returned true',
    );
    claimedNone(
      'workRetry',
      await store.claimWork({ ...first, now: later(retryAt, -1), limit: 1, ids }),
      'a claim 1 ms before the retry is due',
    );

    const second = {
      owner: `second_${f.run}`,
      now: retryAt,
      leaseMs: LEASE_MS,
      attempts: 2,
      runAt: retryAt,
      lastErrorCode: 'PROVIDER_UNAVAILABLE',
    };
    await claimOnly(
      'workRetry',
      store,
      item,
      second,
      'the claim at the retry\u2019s runAt (attempts counted, the last error kept)',
    );
    const again = later(retryAt, 120_000);
    holds(
      'workRetry',
      await store.retryWork(item.id, second.owner, {
        runAt: again,
        errorCode: 'NETWORK_ERROR',
        now: retryAt,
      }),
      'a second retryWork by the new holder returned false',
    );
    same(
      'workRetry',
      (await store.listWork({ bindingId: fresh.id })).map(workView),
      [settledView(item, 'pending', { attempts: 2, runAt: again, lastErrorCode: 'NETWORK_ERROR' })],
      'the item after a second retryWork',
    );
  });
}
