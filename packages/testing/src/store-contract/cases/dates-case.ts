import type { AuditEntry, BindingRecord, SavedCard } from '@cardbind/core';
import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, withStore } from '../with-store.js';

/**
 * Dates come back as Date objects (not strings or numbers, as a JSON column or a driver setting may
 * hand them out) holding the very millisecond that was stored: deadlines and ordering depend on it.
 */
export async function datesCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async ({ store }, f) => {
    const fresh = f.binding({
      createdAt: f.at(1),
      updatedAt: f.at(2),
      expiresAt: new Date(Date.UTC(2027, 0, 31, 23, 59, 59, 999)),
    });
    const audit = f.creationAudit(fresh);
    const record = await created('dates', store, fresh, audit);
    checkRecordDates('create(record).record', record, fresh);
    checkRecordDates('get after create', await store.get(fresh.id), fresh);

    const card = f.card(fresh, undefined, { createdAt: new Date(Date.UTC(2026, 11, 1, 0, 0, 0, 1)) });
    const step = f.update(fresh, { status: 'succeeded' }, { step: 5 });
    const result = await store.update(fresh.id, step.expectedVersion, step.patch, {
      audit: step.audit,
      card,
    });
    holds('dates', result.ok, 'a succeeding update lost its compare-and-set');
    checkRecordDates('update(...).record', result.record, step.expected);
    checkRecordDates('get after update', await store.get(fresh.id), step.expected);
    checkDate('update(...).card.createdAt', result.card?.createdAt, card.createdAt);
    checkDate('update(...).record.card.createdAt', result.record.card?.createdAt, card.createdAt);
    checkDate('getCard(...).createdAt', (await store.getCard(card.id))?.createdAt, card.createdAt);
    const listed: (SavedCard | undefined)[] = await store.listCards(card.customerId);
    checkDate('listCards()[0].createdAt', listed[0]?.createdAt, card.createdAt);

    const history: (AuditEntry | undefined)[] = await store.listAudit(fresh.id);
    checkDate('listAudit()[0].at', history[0]?.at, audit.at);
    checkDate('listAudit()[1].at', history[1]?.at, step.audit.at);
  });
}

function checkRecordDates(label: string, actual: BindingRecord | undefined, expected: BindingRecord): void {
  holds('dates', actual !== undefined, () => `${label}: no record`);
  for (const field of ['createdAt', 'updatedAt', 'expiresAt'] as const) {
    checkDate(`${label}.${field}`, actual[field], expected[field]);
  }
}

function checkDate(label: string, actual: unknown, expected: Date): void {
  holds(
    'dates',
    actual instanceof Date,
    () => `${label} is ${typeof actual} ${JSON.stringify(actual)}, not a Date`,
  );
  holds(
    'dates',
    actual.getTime() === expected.getTime(),
    () =>
      `${label} is ${Number.isNaN(actual.getTime()) ? 'an invalid Date' : actual.toISOString()}, stored as ${expected.toISOString()}`,
  );
}
