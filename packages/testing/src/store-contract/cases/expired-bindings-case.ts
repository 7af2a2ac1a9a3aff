import type { BindingRecord, BindingStatus } from '@cardbind/core';
import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, same, withStore } from '../with-store.js';
import { requireWorkQueue } from '../work-queue-support.js';

// Steps far before every other case's bindings (which expire an hour after the fixtures' base time),
// so in a shared database the only bindings this case finds expired are its own.
const E = -50_000;

/**
 * The sweep's query: open bindings (requires_action, processing) whose expiresAt has passed (or is
 * now), oldest deadline first, at most `limit`. Finished bindings and open ones with time left are not
 * returned, and the records are the stored ones.
 */
export async function expiredBindingsCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async (sut, f) => {
    const store = requireWorkQueue('expiredBindings', sut.store);
    const made = async (expiresStep: number, status: BindingStatus): Promise<BindingRecord> => {
      const fresh = f.binding({
        createdAt: f.at(E - 100),
        updatedAt: f.at(E - 100),
        expiresAt: f.at(E + expiresStep),
      });
      const record = await created('expiredBindings', store, fresh, f.creationAudit(fresh));
      if (status === 'requires_action') return record;
      const step = f.update(record, { status }, { step: E - 50 });
      const result = await store.update(record.id, step.expectedVersion, step.patch, { audit: step.audit });
      holds('expiredBindings', result.ok, `the update of ${record.id} to ${status} lost its compare-and-set`);
      return result.record;
    };
    // Created out of order, so a store that returns them as inserted is caught.
    const third = await made(3, 'requires_action');
    const first = await made(1, 'requires_action');
    const finished = [await made(0, 'failed'), await made(0, 'succeeded'), await made(0, 'expired')];
    const second = await made(2, 'processing');
    const atNow = await made(5, 'requires_action');
    const notYet = await made(6, 'processing');
    const own = new Set([third, first, ...finished, second, atNow, notYet].map((record) => record.id));
    const now = f.at(E + 5);

    const all = await store.listExpiredBindings(now, 1_000);
    for (const [index, record] of all.entries()) {
      holds(
        'expiredBindings',
        (record.status === 'requires_action' || record.status === 'processing') &&
          record.expiresAt.getTime() <= now.getTime(),
        () =>
          `listExpiredBindings returned ${record.id} (${record.status}, expires ${record.expiresAt.toISOString()})`,
      );
      const previous = all[index - 1];
      holds(
        'expiredBindings',
        previous === undefined || previous.expiresAt.getTime() <= record.expiresAt.getTime(),
        'listExpiredBindings is not oldest deadline first',
      );
    }
    same(
      'expiredBindings',
      all.filter((record) => own.has(record.id)),
      [first, second, third, atNow],
      "listExpiredBindings (this case's bindings: the open ones with expiresAt <= now, oldest first)",
    );
    const limited = await store.listExpiredBindings(now, 2);
    same(
      'expiredBindings',
      limited.map((record) => record.expiresAt),
      all.slice(0, 2).map((record) => record.expiresAt),
      'listExpiredBindings with limit 2 (the two oldest deadlines)',
    );
    same(
      'expiredBindings',
      (await store.listExpiredBindings(f.at(E), 1_000)).filter((record) => own.has(record.id)),
      [],
      'listExpiredBindings before any of the open bindings expired',
    );

    // Leave nothing open behind, so a later run on the same database finds none of these.
    for (const record of [first, second, third, atNow, notYet]) {
      const step = f.update(record, { status: 'expired' }, { step: E + 10 });
      await store.update(record.id, step.expectedVersion, step.patch, { audit: step.audit });
    }
  });
}
