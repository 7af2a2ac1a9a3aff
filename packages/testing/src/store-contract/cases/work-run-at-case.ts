import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { same, withStore } from '../with-store.js';
import {
  byId,
  claimedNone,
  claimedView,
  claimUntilDry,
  requireWorkQueue,
  workView,
  createWithWork,
} from '../work-queue-support.js';

const LEASE_MS = 60_000;

/**
 * An item is due from its runAt on (a retry's backoff, a step that waits): a claim before then, with
 * or without naming it, leaves it alone; at runAt exactly it is due. A claim returns at most `limit`
 * items and only the ones named in `ids`, when given.
 */
export async function workRunAtCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async (sut, f) => {
    const store = requireWorkQueue('workRunAt', sut.store);
    const fresh = f.binding();
    const soon = f.workItem(fresh, { runAt: f.at(20) });
    const later = f.workItem(fresh, { runAt: f.at(30) });
    await createWithWork('workRunAt', store, f, fresh, [soon, later]);
    const ids = [soon.id, later.id];
    const owner = `owner_${f.run}`;
    const claimAt = (now: Date, limit = 10) => store.claimWork({ now, owner, leaseMs: LEASE_MS, limit, ids });

    const early = new Date(soon.runAt.getTime() - 1);
    claimedNone('workRunAt', await claimAt(early), 'claimWork of two items 1 ms before the first is due');
    const sweep = await claimUntilDry('workRunAt', store, { now: early, owner, leaseMs: LEASE_MS });
    claimedNone(
      'workRunAt',
      sweep.filter((item) => ids.includes(item.id)),
      'claimWork without ids 1 ms before the first item is due',
    );
    same(
      'workRunAt',
      (await claimAt(soon.runAt)).map(workView),
      [claimedView(soon, { owner, now: soon.runAt, leaseMs: LEASE_MS })],
      'claimWork at the first item\u2019s runAt (the second is not due yet)',
    );
    claimedNone(
      'workRunAt',
      await claimAt(new Date(later.runAt.getTime() - 1)),
      'claimWork 1 ms before the second item is due',
    );
    same(
      'workRunAt',
      (await claimAt(later.runAt)).map(workView),
      [claimedView(later, { owner, now: later.runAt, leaseMs: LEASE_MS })],
      'claimWork at the second item\u2019s runAt',
    );

    const other = f.binding();
    const batch = Array.from({ length: 4 }, (_, i) => f.workItem(other, { runAt: f.at(40 + i) }));
    const bystander = f.workItem(other, { runAt: f.at(40) });
    const otherCreation = await store.create(other, f.creationAudit(other), [...batch, bystander]);
    holds('workRunAt', otherCreation.created, () => `create(${other.id}) returned created: false`);
    const now = f.at(50);
    const batchIds = batch.map((item) => item.id);
    const first = await store.claimWork({ now, owner, leaseMs: LEASE_MS, limit: 2, ids: batchIds });
    holds(
      'workRunAt',
      first.length === 2,
      () => `claimWork with limit 2 returned ${first.length} of 4 due items`,
    );
    const rest = await store.claimWork({ now, owner, leaseMs: LEASE_MS, limit: 10, ids: batchIds });
    same(
      'workRunAt',
      byId([...first, ...rest]).map((item) => item.id),
      byId(batch).map((item) => item.id),
      'two claims of the four named items (limit 2, then the rest)',
    );
    same(
      'workRunAt',
      (await store.listWork({ bindingId: other.id, status: 'pending' })).map((item) => item.id),
      [bystander.id],
      'the pending items after claims that named the others only',
    );
  });
}
