import type { BindingRecord, BindingStatus, NewWorkItem } from '@cardbind/core';
import { describe, expect, it } from 'vitest';
import { storeOnTestDatabase } from './support/databases.js';
import { bindingRecord, creationAudit, newToken, savedCard, transitionAudit } from './support/fixtures.js';

const world = storeOnTestDatabase();

const CUTOFF = new Date('2026-06-01T00:00:00Z');

/** Three work items of a binding: one will be done, one failed, one still pending (due in a year). */
function workOf(record: BindingRecord): NewWorkItem[] {
  const item = (name: string, runAt: Date): NewWorkItem => ({
    id: `${record.id}.${name}`,
    kind: 'binding.event',
    bindingId: record.id,
    payload: {},
    runAt,
    deadline: new Date(runAt.getTime() + 86_400_000),
  });
  const later = new Date(record.createdAt.getTime() + 365 * 86_400_000);
  return [item('done', record.createdAt), item('failed', record.createdAt), item('pending', later)];
}

async function finishWork(record: BindingRecord): Promise<void> {
  const now = new Date(record.createdAt.getTime() + 1_000);
  const ids = [`${record.id}.done`, `${record.id}.failed`];
  expect(await world.store.claimWork({ now, owner: 'w', leaseMs: 1_000, limit: 2, ids })).toHaveLength(2);
  expect(await world.store.completeWork(`${record.id}.done`, 'w', now)).toBe(true);
  expect(await world.store.failWork(`${record.id}.failed`, 'w', { errorCode: 'DEADLINE_PASSED', now })).toBe(
    true,
  );
}

async function workStatuses(record: BindingRecord): Promise<string[]> {
  return (await world.store.listWork({ bindingId: record.id })).map(
    (item) => `${item.id.slice(record.id.length)} ${item.status}`,
  );
}

/** A binding that moved to `status` at `endedAt` (or stayed open, created then), with its work. */
async function bindingEndedAt(status: BindingStatus, endedAt: Date) {
  const record = bindingRecord({ createdAt: endedAt, updatedAt: endedAt });
  await world.store.create(record, creationAudit(record), workOf(record));
  await finishWork(record);
  if (status === 'requires_action') return { record, card: undefined };
  const result = await world.store.update(
    record.id,
    0,
    { status, updatedAt: endedAt },
    {
      ...(status === 'succeeded' ? { card: savedCard(record, newToken()) } : {}),
      audit: transitionAudit(record, status),
    },
  );
  if (!result.ok) throw new Error('update lost');
  return { record: result.record, card: result.card };
}

async function seed() {
  const old = new Date(CUTOFF.getTime() - 86_400_000);
  const recent = new Date(CUTOFF.getTime() + 86_400_000);
  return {
    purged: [
      await bindingEndedAt('succeeded', old),
      await bindingEndedAt('failed', old),
      await bindingEndedAt('expired', old),
    ],
    kept: [await bindingEndedAt('succeeded', recent), await bindingEndedAt('requires_action', old)],
  };
}

describe('purgeTerminalBindings', () => {
  it('deletes terminal bindings that ended before the cutoff with their lookup keys, keeping cards and history', async () => {
    const { purged, kept } = await seed();
    expect(await world.store.purgeTerminalBindings({ olderThan: CUTOFF, batchSize: 2 })).toEqual({
      bindings: 3,
      auditRows: 0,
      workItems: 6,
    });
    for (const { record } of purged) {
      expect(await world.store.get(record.id)).toBeUndefined();
      expect(await world.store.findByLookupKey(record.provider, record.lookupKeys[0] ?? '')).toBeUndefined();
      expect(await world.store.listAudit(record.id)).toHaveLength(2);
      // Finished work goes with the binding; work still to do stays (the worker finds the binding gone).
      expect(await workStatuses(record)).toEqual(['.pending pending']);
    }
    const card = purged[0]?.card;
    expect(card && (await world.store.getCard(card.id))).toEqual(card);
    for (const { record } of kept) {
      expect(await world.store.get(record.id)).toEqual(record);
      expect((await workStatuses(record)).sort()).toEqual([
        '.done done',
        '.failed failed',
        '.pending pending',
      ]);
    }
    const orphans = await world.sql.query(
      `SELECT count(*)::int AS n FROM cardbind.binding_lookup_keys k
        WHERE NOT EXISTS (SELECT 1 FROM cardbind.bindings b WHERE b.id = k.binding_id)`,
    );
    expect(orphans.rows[0]?.n).toBe(0);
  });

  it('with includeAudit also deletes the purged bindings’ audit rows', async () => {
    const { purged, kept } = await seed();
    const result = await world.store.purgeTerminalBindings({ olderThan: CUTOFF, includeAudit: true });
    expect(result).toEqual({ bindings: 3, auditRows: 6, workItems: 6 });
    for (const { record } of purged) expect(await world.store.listAudit(record.id)).toEqual([]);
    for (const { record } of kept) expect((await world.store.listAudit(record.id)).length).toBeGreaterThan(0);
  });

  it('refuses options that make no sense with CONFIG_INVALID', async () => {
    await expect(
      world.store.purgeTerminalBindings({ olderThan: CUTOFF, batchSize: 0 }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      field: 'batchSize',
    });
  });
});
