import type { AuditEntry } from '@cardbind/core';
import { describe, expect, it } from 'vitest';
import { storeOnTestDatabase } from './support/databases.js';
import { bindingRecord, newToken, savedCard } from './support/fixtures.js';

const world = storeOnTestDatabase();

describe('durable audit', () => {
  it('writes one row per transition with the transition, in version order, with everything the caller gave', async () => {
    const record = bindingRecord();
    const at = (s: number) => new Date(record.createdAt.getTime() + s * 1_000);
    const created: AuditEntry = {
      bindingId: record.id,
      version: 0,
      from: null,
      to: 'requires_action',
      trigger: 'start',
      at: at(0),
      requestId: 'req-1',
      sourceAddress: '203.0.113.7',
    };
    const returned: AuditEntry = {
      ...created,
      version: 1,
      from: 'requires_action',
      to: 'processing',
      trigger: 'return',
      at: at(5),
      requestId: 'req-2',
    };
    const failed: AuditEntry = {
      bindingId: record.id,
      version: 2,
      from: 'processing',
      to: 'failed',
      trigger: 'callback',
      at: at(9),
      failureCode: 'CARD_DECLINED',
      providerCode: 'AMOUNT_EXCEED',
    };
    await world.store.create(record, created);
    await world.store.update(record.id, 0, { status: 'processing', updatedAt: at(5) }, { audit: returned });
    const failure = {
      code: 'CARD_DECLINED' as const,
      message: 'Declined',
      retryable: false,
      providerCode: 'AMOUNT_EXCEED',
    };
    await world.store.update(
      record.id,
      1,
      { status: 'failed', failure, updatedAt: at(9) },
      { audit: failed },
    );
    expect(await world.store.listAudit(record.id)).toEqual([created, returned, failed]);
  });

  it('numbers each row with the version the database gave the record, and writes it with the card', async () => {
    const record = bindingRecord();
    await world.store.create(record, {
      bindingId: record.id,
      version: 0,
      from: null,
      to: 'requires_action',
      trigger: 'start',
      at: record.createdAt,
    });
    const result = await world.store.update(
      record.id,
      0,
      { status: 'succeeded', updatedAt: record.updatedAt },
      {
        card: savedCard(record, newToken()),
        // A caller that got the version wrong cannot make the history disagree with the record.
        audit: {
          bindingId: record.id,
          version: 5,
          from: 'requires_action',
          to: 'succeeded',
          trigger: 'poll',
          at: record.updatedAt,
        },
      },
    );
    expect(result.ok && result.record.version).toBe(1);
    expect((await world.store.listAudit(record.id)).map((entry) => entry.version)).toEqual([0, 1]);
  });

  it('an idempotent repeat of create writes no second row; an unknown binding has no history', async () => {
    const record = bindingRecord({ idempotencyKey: 'again' });
    const audit: AuditEntry = {
      bindingId: record.id,
      version: 0,
      from: null,
      to: 'requires_action',
      trigger: 'start',
      at: record.createdAt,
    };
    await world.store.create(record, audit);
    const repeat = bindingRecord({ customer: record.customer, idempotencyKey: 'again' });
    await world.store.create(repeat, { ...audit, bindingId: repeat.id });
    expect(await world.store.listAudit(record.id)).toEqual([audit]);
    expect(await world.store.listAudit(repeat.id)).toEqual([]);
  });
});
