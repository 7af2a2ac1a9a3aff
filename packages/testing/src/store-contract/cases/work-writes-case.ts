import type { BindingStore, WorkQueue } from '@cardbind/core';
import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { same, withStore } from '../with-store.js';
import {
  byId,
  claimedNone,
  claimedView,
  requireWorkQueue,
  settledView,
  workView,
} from '../work-queue-support.js';

const LEASE_MS = 60_000;

/**
 * The transactional outbox: the work a transition causes is stored in the same atomic step as the
 * transition, so it exists exactly when the transition does. Items written by a create and by a
 * winning update are there to claim; a lost compare-and-set and an idempotent duplicate create write
 * none; an item id written again (a replayed write) leaves the stored item as it is, even under way.
 */
export async function workWritesCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async (sut, f) => {
    const store: BindingStore & WorkQueue = requireWorkQueue('workWrites', sut.store);
    const fresh = f.binding();
    const event = f.workItem(fresh);
    const afterStep = f.workItem(fresh, { kind: 'binding.after_failure', payload: {} });
    const creation = await store.create(fresh, f.creationAudit(fresh), [event, afterStep]);
    holds(
      'workWrites',
      creation.created,
      () => `create(${fresh.id}) of a new binding returned created: false`,
    );

    const now = f.at(10);
    const claim = { now, owner: `owner-a_${f.run}`, leaseMs: LEASE_MS };
    const claimed = await store.claimWork({ ...claim, limit: 10, ids: [event.id, afterStep.id] });
    same(
      'workWrites',
      byId(claimed).map(workView),
      byId([event, afterStep]).map((item) => claimedView(item, claim)),
      'claimWork of the two items create wrote',
    );

    const step = f.update(fresh, { status: 'processing' });
    const next = f.workItem(fresh, { runAt: step.patch.updatedAt });
    const won = await store.update(fresh.id, step.expectedVersion, step.patch, {
      audit: step.audit,
      work: [next],
    });
    holds('workWrites', won.ok, 'an update on the stored version lost its compare-and-set');

    const stale = f.update(fresh, { status: 'failed' });
    const lostItem = f.workItem(fresh, { kind: 'binding.after_failure' });
    const lost = await store.update(fresh.id, stale.expectedVersion, stale.patch, {
      audit: stale.audit,
      work: [lostItem],
    });
    holds('workWrites', !lost.ok, 'an update on an old version won');

    const duplicate = f.binding({ idempotencyKey: fresh.idempotencyKey });
    const duplicateItem = f.workItem(duplicate);
    const again = await store.create(duplicate, f.creationAudit(duplicate), [duplicateItem]);
    holds(
      'workWrites',
      !again.created,
      'a duplicate create (same customer and idempotency key) created a binding',
    );

    // The same item id again, from a later winning write: the running item must not start over.
    const replay = f.update(step.expected, { status: 'requires_action' });
    const replayed = await store.update(fresh.id, replay.expectedVersion, replay.patch, {
      audit: replay.audit,
      work: [{ ...event, runAt: f.at(1), payload: { replayed: true } }],
    });
    holds('workWrites', replayed.ok, 'an update on the stored version lost its compare-and-set');

    const listed = await store.listWork({ bindingId: fresh.id, limit: 1_000 });
    holds(
      'workWrites',
      !listed.some((item) => item.id === lostItem.id),
      () =>
        `listWork of the binding holds ${lostItem.id}, which only an update that lost its compare-and-set wrote`,
    );
    const replayedItem = listed.find((item) => item.id === event.id);
    holds(
      'workWrites',
      replayedItem?.status === 'running' &&
        replayedItem.attempts === 1 &&
        replayedItem.leaseOwner === claim.owner,
      () =>
        `writing item ${event.id} again reset it (now ${replayedItem?.status ?? 'missing'}, ${replayedItem?.attempts ?? 0} attempts): a stored item must be left as it is`,
    );
    same(
      'workWrites',
      byId(listed).map(workView),
      byId([claimedView(event, claim), claimedView(afterStep, claim), settledView(next, 'pending')]),
      'listWork of the binding (no item of the lost update; the replayed item as it was)',
    );
    claimedNone(
      'workWrites',
      await store.listWork({ bindingId: duplicate.id }),
      "listWork of the duplicate create's id",
    );
    claimedNone(
      'workWrites',
      await store.claimWork({
        now: f.at(1_000_000),
        owner: `owner-b_${f.run}`,
        leaseMs: LEASE_MS,
        limit: 10,
        ids: [lostItem.id, duplicateItem.id],
      }),
      'claimWork of the items a lost update and a duplicate create tried to write',
    );

    const claimNext = { now, owner: `owner-b_${f.run}`, leaseMs: LEASE_MS };
    same(
      'workWrites',
      (await store.claimWork({ ...claimNext, limit: 10, ids: [next.id] })).map(workView),
      [claimedView(next, claimNext)],
      'claimWork of the item the winning update wrote',
    );
  });
}
