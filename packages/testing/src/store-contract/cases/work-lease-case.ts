import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { same, withStore } from '../with-store.js';
import {
  claimedNone,
  claimedView,
  later,
  requireWorkQueue,
  settledView,
  workView,
  claimOnly,
  createWithWork,
} from '../work-queue-support.js';

const SHORT_LEASE_MS = 5_000;
const LEASE_MS = 60_000;

/**
 * A worker that dies holding an item must not hold it forever, and must not act on it after another
 * worker took it: while the lease runs nobody else gets the item; once it has run out another owner
 * claims it (attempts counted), and the first owner's complete, retry and fail return false and change
 * nothing. The new holder completes it once; a completed item is never claimed again.
 */
export async function workLeaseCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async (sut, f) => {
    const store = requireWorkQueue('workLease', sut.store);
    const fresh = f.binding();
    const item = f.workItem(fresh);
    await createWithWork('workLease', store, f, fresh, [item]);
    const ids = [item.id];
    const first = { owner: `first_${f.run}`, now: f.at(10), leaseMs: SHORT_LEASE_MS };
    await claimOnly('workLease', store, item, first, 'the first claim');

    const leaseEnds = later(first.now, SHORT_LEASE_MS);
    const second = { owner: `second_${f.run}`, leaseMs: LEASE_MS };
    claimedNone(
      'workLease',
      await store.claimWork({ ...second, now: later(leaseEnds, -1), limit: 1, ids }),
      'a claim by another owner 1 ms before the lease runs out',
    );
    const taken = { ...second, now: leaseEnds, attempts: 2 };
    const retaken = await store.claimWork({ ...taken, limit: 1, ids });
    holds(
      'workLease',
      retaken.length === 1,
      'a claim by another owner when the lease had run out returned nothing: a holder that died would hold the item forever',
    );
    same(
      'workLease',
      retaken.map(workView),
      [claimedView(item, taken)],
      'a claim by another owner when the lease has run out',
    );

    const afterwards = later(leaseEnds, 1);
    const stale = [
      ['completeWork', () => store.completeWork(item.id, first.owner, afterwards)],
      [
        'retryWork',
        () =>
          store.retryWork(item.id, first.owner, {
            runAt: later(afterwards, 1_000),
            errorCode: 'PROVIDER_UNAVAILABLE',
            now: afterwards,
          }),
      ],
      [
        'failWork',
        () => store.failWork(item.id, first.owner, { errorCode: 'INVALID_STATE', now: afterwards }),
      ],
    ] as const;
    for (const [name, settle] of stale) {
      holds('workLease', !(await settle()), `${name} by the owner whose lease ran out returned true`);
      same(
        'workLease',
        (await store.listWork({ bindingId: fresh.id })).map(workView),
        [claimedView(item, taken)],
        `the item after ${name} by the owner whose lease ran out`,
      );
    }

    holds(
      'workLease',
      await store.completeWork(item.id, second.owner, afterwards),
      'completeWork by the owner that holds the lease returned false',
    );
    same(
      'workLease',
      (await store.listWork({ bindingId: fresh.id })).map(workView),
      [settledView(item, 'done', { attempts: 2 })],
      'the item after its holder completed it (done, no lease)',
    );
    holds(
      'workLease',
      !(await store.completeWork(item.id, second.owner, afterwards)),
      'a second completeWork of a done item returned true',
    );
    claimedNone(
      'workLease',
      await store.claimWork({
        owner: `third_${f.run}`,
        now: f.at(1_000_000),
        leaseMs: LEASE_MS,
        limit: 1,
        ids,
      }),
      'a claim of a done item, long after',
    );
  });
}
