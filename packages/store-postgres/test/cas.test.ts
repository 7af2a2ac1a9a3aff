import { CardBindingError, toCardView, type BindingPatch } from '@cardbind/core';
import { describe, expect, it } from 'vitest';
import { storeOnTestDatabase } from './support/databases.js';
import { bindingRecord, creationAudit, newToken, savedCard, transitionAudit } from './support/fixtures.js';

const world = storeOnTestDatabase();

async function count(table: string, where: string, params: unknown[]): Promise<number> {
  const result = await world.sql.query(
    `SELECT count(*)::int AS n FROM cardbind.${table} WHERE ${where}`,
    params,
  );
  return Number(result.rows[0]?.n);
}

describe('create', () => {
  it('stores the record exactly and writes its creation audit row', async () => {
    const record = bindingRecord({ idempotencyKey: 'key-1', returnUrl: 'https://shop.example/back' });
    const result = await world.store.create(record, creationAudit(record));
    expect(result).toEqual({ created: true, record });
    expect(await world.store.get(record.id)).toEqual(record);
    expect(await world.store.listAudit(record.id)).toEqual([creationAudit(record)]);
  });

  it('returns the existing binding for a repeated (customer, idempotency key), even 20 at once', async () => {
    const first = bindingRecord({ idempotencyKey: 'same' });
    const racers = Array.from({ length: 20 }, (_, i) =>
      i === 0 ? first : bindingRecord({ customer: first.customer, idempotencyKey: 'same' }),
    );
    const results = await Promise.all(
      racers.map((record) => world.store.create(record, creationAudit(record))),
    );
    const created = results.filter((result) => result.created);
    expect(created).toHaveLength(1);
    const winner = created[0]?.record;
    for (const result of results) expect(result.record).toEqual(winner);
    expect(await count('bindings', 'customer_id = $1', [first.customer.id])).toBe(1);
    expect(await count('binding_audit', 'binding_id = ANY($1)', [racers.map((r) => r.id)])).toBe(1);
    expect(await world.store.findByIdempotencyKey(first.customer.id, 'same')).toEqual(winner);
  });

  it('refuses an id collision with a retryable INVALID_STATE and writes nothing', async () => {
    const record = bindingRecord();
    await world.store.create(record, creationAudit(record));
    const clash = bindingRecord({ id: record.id, lookupKeys: ['other-key'] });
    const error = await world.store.create(clash, creationAudit(clash)).catch((e: unknown) => e);
    expect(CardBindingError.is(error, 'INVALID_STATE')).toBe(true);
    expect(error).toMatchObject({ retryable: true });
    expect(await world.store.get(record.id)).toEqual(record);
    expect(await world.store.findByLookupKey('payture', 'other-key')).toBeUndefined();
    expect(await world.store.listAudit(record.id)).toHaveLength(1);
  });

  it('finds a binding by its lookup keys, and refuses a second binding with the same key', async () => {
    const record = bindingRecord({ lookupKeys: ['order-1', 'session-1'] });
    await world.store.create(record, creationAudit(record));
    expect(await world.store.findByLookupKey('payture', 'session-1')).toEqual(record);
    expect(await world.store.findByLookupKey('payonline', 'session-1')).toBeUndefined();

    const second = bindingRecord({ lookupKeys: ['session-1'] });
    await expect(world.store.create(second, creationAudit(second))).rejects.toMatchObject({
      code: 'INVALID_STATE',
      retryable: false,
    });
    // The whole create rolled back: no binding, no audit row.
    expect(await world.store.get(second.id)).toBeUndefined();
    expect(await world.store.listAudit(second.id)).toEqual([]);
  });
});

describe('update: compare-and-set on version', () => {
  it('of 50 racing updates on one version exactly one wins; the others see the winner', async () => {
    const record = bindingRecord();
    await world.store.create(record, creationAudit(record));
    const patches: BindingPatch[] = Array.from({ length: 50 }, (_, i) => ({
      status: 'processing',
      providerRef: { ...record.providerRef, racer: i },
      updatedAt: new Date(record.updatedAt.getTime() + 1_000),
    }));
    const results = await Promise.all(
      patches.map((patch) =>
        world.store.update(record.id, 0, patch, { audit: transitionAudit(record, 'processing') }),
      ),
    );
    const winners = results.flatMap((result) => (result.ok ? [result.record] : []));
    expect(winners).toHaveLength(1);
    expect(winners[0]?.version).toBe(1);
    for (const result of results) if (!result.ok) expect(result.current).toEqual(winners[0]);
    expect(await world.store.listAudit(record.id)).toHaveLength(2);
  });

  it('saves the card in the same transaction: 50 racers with the same token leave one card', async () => {
    const record = bindingRecord();
    await world.store.create(record, creationAudit(record));
    const token = newToken();
    const patch: BindingPatch = {
      status: 'succeeded',
      updatedAt: new Date(record.updatedAt.getTime() + 2_000),
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        world.store.update(record.id, 0, patch, {
          card: savedCard(record, token),
          audit: transitionAudit(record, 'succeeded'),
        }),
      ),
    );
    const winners = results.flatMap((result) => (result.ok ? [result] : []));
    expect(winners).toHaveLength(1);
    const card = winners[0]?.card;
    expect(card?.token).toBe(token);
    expect(winners[0]?.record.card).toEqual(card && toCardView(card));
    expect(await count('cards', 'binding_id = $1', [record.id])).toBe(1);
    expect(await world.store.listCards(record.customer.id)).toEqual([card]);
  });

  it('keeps the card the customer already has for the same token, and makes it the binding card', async () => {
    const first = bindingRecord();
    const second = bindingRecord({ customer: first.customer });
    const token = newToken();
    const saved = [];
    for (const record of [first, second]) {
      await world.store.create(record, creationAudit(record));
      const result = await world.store.update(
        record.id,
        0,
        { status: 'succeeded', updatedAt: record.updatedAt },
        { card: savedCard(record, token), audit: transitionAudit(record, 'succeeded') },
      );
      if (!result.ok) throw new Error('update lost');
      saved.push(result);
    }
    expect(saved[1]?.card).toEqual(saved[0]?.card);
    expect(saved[1]?.record.card?.bindingId).toBe(first.id);
    expect(await world.store.listCards(first.customer.id)).toHaveLength(1);
  });

  it('a lost race writes nothing: no card, no audit row', async () => {
    const record = bindingRecord();
    await world.store.create(record, creationAudit(record));
    const stale = await world.store.update(
      record.id,
      7,
      { status: 'succeeded', updatedAt: record.updatedAt },
      { card: savedCard(record, newToken()), audit: transitionAudit(record, 'succeeded') },
    );
    expect(stale).toEqual({ ok: false, current: record });
    expect(await count('cards', 'binding_id = $1', [record.id])).toBe(0);
    expect(await world.store.listAudit(record.id)).toHaveLength(1);
    expect(
      await world.store.update(
        'missing',
        0,
        { status: 'failed', updatedAt: record.updatedAt },
        {
          audit: transitionAudit(record, 'failed'),
        },
      ),
    ).toEqual({ ok: false, current: undefined });
  });

  it('rolls back the version, the card and the audit row together when a later statement fails', async () => {
    const record = bindingRecord();
    await world.store.create(record, creationAudit(record));
    // Plant the audit row the update will try to write: its insert is the transaction's last statement.
    await world.sql.query(
      `INSERT INTO cardbind.binding_audit (binding_id, version, to_status, trigger, at) VALUES ($1, 1, 'failed', 'sweep', now())`,
      [record.id],
    );
    const error = await world.store
      .update(
        record.id,
        0,
        { status: 'succeeded', updatedAt: record.updatedAt },
        { card: savedCard(record, newToken()), audit: transitionAudit(record, 'succeeded') },
      )
      .catch((e: unknown) => e);
    expect(CardBindingError.is(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(await world.store.get(record.id)).toEqual(record);
    expect(await count('cards', 'binding_id = $1', [record.id])).toBe(0);
  });

  it('applies a patch like the in-memory store: absent keys kept, keys present as undefined cleared', async () => {
    const record = bindingRecord();
    await world.store.create(record, creationAudit(record));
    const failure = { code: 'CARD_DECLINED' as const, message: 'Declined', retryable: false };
    const failed = await world.store.update(
      record.id,
      0,
      { status: 'processing', updatedAt: record.updatedAt, failure },
      { audit: transitionAudit(record, 'processing') },
    );
    expect(failed.ok && failed.record).toMatchObject({ nextAction: record.nextAction, failure, version: 1 });
    const cleared = await world.store.update(
      record.id,
      1,
      { status: 'requires_action', updatedAt: record.updatedAt, nextAction: undefined, failure: undefined },
      { audit: { ...transitionAudit(record, 'requires_action'), version: 2 } },
    );
    expect(cleared.ok && cleared.record.nextAction).toBeUndefined();
    expect(cleared.ok && cleared.record.failure).toBeUndefined();
    expect(await world.store.get(record.id)).toEqual(cleared.ok && cleared.record);
  });
});

describe('cards', () => {
  it('lists a customer’s cards oldest first, reads one, removes one', async () => {
    const record = bindingRecord();
    await world.store.create(record, creationAudit(record));
    const older = savedCard(record, newToken(), { createdAt: new Date('2026-01-01T00:00:00Z') });
    const other = bindingRecord({ customer: record.customer });
    const newer = savedCard(other, newToken());
    await world.store.create(other, creationAudit(other));
    await world.store.update(
      other.id,
      0,
      { status: 'succeeded', updatedAt: other.updatedAt },
      {
        card: newer,
        audit: transitionAudit(other, 'succeeded'),
      },
    );
    await world.store.update(
      record.id,
      0,
      { status: 'succeeded', updatedAt: record.updatedAt },
      {
        card: older,
        audit: transitionAudit(record, 'succeeded'),
      },
    );
    const cards = await world.store.listCards(record.customer.id);
    expect(cards.map((card) => card.id)).toEqual([older.id, newer.id]);
    expect(await world.store.getCard(older.id)).toEqual(older);
    expect(await world.store.removeCard(older.id)).toBe(true);
    expect(await world.store.removeCard(older.id)).toBe(false);
    expect(await world.store.getCard(older.id)).toBeUndefined();
  });
});

describe('rows are parsed, never cast', () => {
  it('a row edited into something that is not a BindingRecord is a clear error naming the field', async () => {
    const record = bindingRecord();
    await world.store.create(record, creationAudit(record));
    await world.sql.query(`UPDATE cardbind.bindings SET customer = '{"id": 987654321}' WHERE id = $1`, [
      record.id,
    ]);
    const error = await world.store.get(record.id).catch((e: unknown) => e);
    expect(CardBindingError.is(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(error).toMatchObject({ retryable: false });
    expect(String(error)).toContain('customer.id');
    expect(String(error)).not.toContain('987654321');
  });
});
