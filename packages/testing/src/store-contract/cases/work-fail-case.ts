import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { same, withStore } from '../with-store.js';
import {
  byId,
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
 * An item that failed for good (a final error, or past its deadline) is what an operator must look
 * at: it is never claimed again, its holder can no longer settle it, and `listWork` finds it by
 * status (oldest first) and by binding, with its error code.
 */
export async function workFailCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async (sut, f) => {
    const store = requireWorkQueue('workFail', sut.store);
    const fresh = f.binding();
    const item = f.workItem(fresh, { kind: 'binding.after_failure', payload: {} });
    const waiting = f.workItem(fresh, { runAt: f.at(500) });
    await createWithWork('workFail', store, f, fresh, [item, waiting]);
    const ids = [item.id];
    const holder = { owner: `holder_${f.run}`, now: f.at(10), leaseMs: LEASE_MS };
    await claimOnly('workFail', store, item, holder, 'the claim');
    const now = later(holder.now, 100);
    holds(
      'workFail',
      await store.failWork(item.id, holder.owner, { errorCode: 'DEADLINE_PASSED', now }),
      'failWork by the holder returned false',
    );
    const failed = settledView(item, 'failed', { lastErrorCode: 'DEADLINE_PASSED' });

    same(
      'workFail',
      (await store.listWork({ status: 'failed', bindingId: fresh.id })).map(workView),
      [failed],
      "listWork({ status: 'failed', bindingId })",
    );
    const allFailed = await store.listWork({ status: 'failed', limit: 10_000 });
    holds(
      'workFail',
      allFailed.some((listed) => listed.id === item.id),
      "listWork({ status: 'failed' }) does not list the failed item",
    );
    holds(
      'workFail',
      allFailed.every((listed) => listed.status === 'failed'),
      "listWork({ status: 'failed' }) lists items that did not fail",
    );
    holds(
      'workFail',
      allFailed.every(
        (listed, i) => i === 0 || (allFailed[i - 1]?.createdAt ?? listed.createdAt) <= listed.createdAt,
      ),
      "listWork({ status: 'failed' }) is not oldest first",
    );
    same(
      'workFail',
      byId(await store.listWork({ bindingId: fresh.id })).map(workView),
      byId([failed, settledView(waiting, 'pending')]),
      'listWork({ bindingId }) after one item failed',
    );
    same(
      'workFail',
      (await store.listWork({ status: 'pending', bindingId: fresh.id })).map((listed) => listed.id),
      [waiting.id],
      "listWork({ status: 'pending', bindingId })",
    );

    claimedNone(
      'workFail',
      await store.claimWork({ ...holder, now: f.at(1_000_000), limit: 1, ids }),
      'a claim of the failed item, long after (failed is final)',
    );
    const settles = [
      ['completeWork', () => store.completeWork(item.id, holder.owner, now)],
      [
        'retryWork',
        () =>
          store.retryWork(item.id, holder.owner, { runAt: later(now, 1), errorCode: 'NETWORK_ERROR', now }),
      ],
      ['failWork', () => store.failWork(item.id, holder.owner, { errorCode: 'INVALID_STATE', now })],
    ] as const;
    for (const [name, settle] of settles) {
      holds('workFail', !(await settle()), `${name} of a failed item by its last holder returned true`);
    }
    same(
      'workFail',
      (await store.listWork({ status: 'failed', bindingId: fresh.id })).map(workView),
      [failed],
      'the failed item after its last holder tried to settle it again',
    );
  });
}
