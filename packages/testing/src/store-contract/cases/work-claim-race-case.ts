import type { NewWorkItem, WorkItem } from '@cardbind/core';
import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { describeError, withStore } from '../with-store.js';
import { claimUntilDry, requireWorkQueue } from '../work-queue-support.js';

export const RACING_CLAIMS = 20;
const BINDINGS = 10;
const ITEMS_PER_BINDING = 5;
const CLAIM_LIMIT = 3;

/**
 * Many workers claim from one queue at once (several instances, each with a worker): of 20 claims
 * issued together by 20 owners, none returns an item another returned, each returned item is leased to
 * the owner that claimed it, and every due item is claimed exactly once (by the race, or by a claim
 * after it that picks up what the race left).
 */
export async function workClaimRaceCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async (sut, f) => {
    const store = requireWorkQueue('workClaimRace', sut.store);
    const own = new Map<string, NewWorkItem>();
    for (let b = 0; b < BINDINGS; b += 1) {
      const record = f.binding();
      const work = Array.from({ length: ITEMS_PER_BINDING }, (_, i) =>
        f.workItem(record, { runAt: f.at(1 + b * ITEMS_PER_BINDING + i) }),
      );
      const creation = await store.create(record, f.creationAudit(record), work);
      holds('workClaimRace', creation.created, () => `create(${record.id}) returned created: false`);
      for (const item of work) own.set(item.id, item);
    }

    const now = f.at(100);
    const owners = Array.from({ length: RACING_CLAIMS }, (_, racer) => `racer-${racer}_${f.run}`);
    const settled = await Promise.allSettled(
      owners.map((owner) => store.claimWork({ now, owner, leaseMs: 60_000, limit: CLAIM_LIMIT })),
    );
    const holders = new Map<string, string>();
    const take = (owner: string, items: readonly WorkItem[]): void => {
      for (const item of items) {
        const earlier = holders.get(item.id);
        holds(
          'workClaimRace',
          earlier === undefined,
          () => `item ${item.id} was handed to two owners: ${earlier ?? ''} and ${owner}`,
        );
        holds(
          'workClaimRace',
          item.status === 'running' && item.leaseOwner === owner,
          () =>
            `${owner}'s claim returned ${item.id} as ${item.status} leased to ${item.leaseOwner ?? 'nobody'}`,
        );
        holders.set(item.id, owner);
      }
    };
    for (const [racer, outcome] of settled.entries()) {
      holds(
        'workClaimRace',
        outcome.status === 'fulfilled',
        () =>
          `racing claim #${racer} threw: ${describeError(outcome.status === 'rejected' ? outcome.reason : undefined)}`,
      );
      holds(
        'workClaimRace',
        outcome.value.length <= CLAIM_LIMIT,
        () =>
          `racing claim #${racer} returned ${outcome.value.length} items, more than its limit ${CLAIM_LIMIT}`,
      );
      take(owners[racer] ?? '', outcome.value);
    }
    const raced = [...holders.keys()].filter((id) => own.has(id)).length;
    holds('workClaimRace', raced > 0, 'no racing claim returned any of the due items');

    const sweeper = `sweeper_${f.run}`;
    take(sweeper, await claimUntilDry('workClaimRace', store, { now, owner: sweeper, leaseMs: 60_000 }));
    const unclaimed = [...own.keys()].filter((id) => !holders.has(id));
    holds(
      'workClaimRace',
      unclaimed.length === 0,
      () => `${unclaimed.length} of ${own.size} due items were never claimed, e.g. ${unclaimed[0] ?? ''}`,
    );
    const stored = new Map<string, WorkItem>();
    for (const bindingId of new Set([...own.values()].map((item) => item.bindingId))) {
      for (const item of await store.listWork({ bindingId, limit: 100 })) stored.set(item.id, item);
    }
    for (const [id, owner] of holders) {
      if (!own.has(id)) continue;
      const item = stored.get(id);
      holds(
        'workClaimRace',
        item?.attempts === 1 && item.leaseOwner === owner,
        () =>
          `item ${id}, claimed once by ${owner}, is stored with ${item?.attempts ?? 0} attempts leased to ${item?.leaseOwner ?? 'nobody'}`,
      );
    }
  });
}
