import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * One Payture binding's writes as a host without cardbind would issue them with `pg`: the statements
 * `@cardbind/store-postgres` issues for a start and a successful return (its SQL, copied), on one
 * checked-out connection per transaction — and nothing else: no reads, no claim of the event items,
 * no zod, no encryption (the token's ciphertext is random bytes of the same length). The lower bound
 * on what any durable store of the same rows pays.
 */
export async function floorBinding(pool: pg.Pool, schema: string, index: number): Promise<void> {
  const t = tables(schema);
  const id = `bnd_${randomBytes(16).toString('base64url')}`;
  const customerId = `floor-${index}`;
  const sessionId = randomUUID();
  const created = new Date();
  const expires = new Date(created.getTime() + 60 * 60_000);
  const nextAction = {
    type: 'redirect',
    url: `http://127.0.0.1:40000/vwapi/Add?SessionId=${sessionId}`,
    method: 'GET',
  };
  const providerRef = { login: `customer-${customerId}`, sessionId, cardsBeforeInit: [] };
  const snapshot = (status: string, version: number): string =>
    JSON.stringify({
      from: version === 0 ? null : 'requires_action',
      to: status,
      binding: {
        id,
        provider: 'payture',
        customerId,
        status,
        metadata: {},
        createdAt: created,
        updatedAt: created,
      },
    });

  await transaction(pool, async (client) => {
    await client.query(
      `INSERT INTO ${t.bindings}
         (id, version, provider, customer_id, customer, status, next_action, card, failure, provider_ref,
          lookup_keys, idempotency_key, return_url, metadata, created_at, updated_at, expires_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb,
               $11::text[], $12, $13, $14::jsonb, $15, $16, $17)
       ON CONFLICT DO NOTHING
       RETURNING *`,
      [
        id,
        0,
        'payture',
        customerId,
        JSON.stringify({ id: customerId, ip: '203.0.113.7' }),
        'requires_action',
        JSON.stringify(nextAction),
        null,
        null,
        JSON.stringify(providerRef),
        [sessionId],
        null,
        'http://127.0.0.1:9/cards/return',
        '{}',
        created,
        created,
        expires,
      ],
    );
    await client.query(
      `INSERT INTO ${t.lookupKeys} (provider, lookup_key, binding_id)
       SELECT DISTINCT $1, key, $2 FROM unnest($3::text[]) AS key`,
      ['payture', id, [sessionId]],
    );
    await insertAudit(client, t, [id, 0, null, 'requires_action', 'start', created]);
    await insertEvent(client, t, `evt_${id}.0`, id, snapshot('requires_action', 0), created);
  });

  const done = new Date();
  const cardId = `card_${randomBytes(16).toString('base64url')}`;
  const display = { maskedPan: '411111******1111', expiry: '12/30' };
  await transaction(pool, async (client) => {
    await client.query(
      `UPDATE ${t.bindings} SET version = version + 1, status = $3, updated_at = $4
        WHERE id = $1 AND version = $2
        RETURNING *`,
      [id, 0, 'succeeded', done],
    );
    await client.query(
      `INSERT INTO ${t.cards}
         (id, provider, customer_id, binding_id, token_key_id, token_ciphertext, token_fingerprint, display, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)
       ON CONFLICT ON CONSTRAINT cards_token_fingerprint DO NOTHING
       RETURNING *`,
      [
        cardId,
        'payture',
        customerId,
        id,
        'bench',
        randomBytes(64),
        randomBytes(32),
        JSON.stringify(display),
        done,
      ],
    );
    await client.query(`UPDATE ${t.bindings} SET card = $2::jsonb WHERE id = $1 RETURNING *`, [
      id,
      JSON.stringify({
        id: cardId,
        provider: 'payture',
        customerId,
        bindingId: id,
        display,
        createdAt: done,
      }),
    ]);
    await insertAudit(client, t, [id, 1, 'requires_action', 'succeeded', 'return', done]);
    await insertEvent(client, t, `evt_${id}.1`, id, snapshot('succeeded', 1), done);
  });
}

export function tables(schema: string) {
  const q = `"${schema}"`;
  return {
    bindings: `${q}.bindings`,
    lookupKeys: `${q}.binding_lookup_keys`,
    cards: `${q}.cards`,
    audit: `${q}.binding_audit`,
    workItems: `${q}.work_items`,
  } as const;
}
type Tables = ReturnType<typeof tables>;

/** BEGIN, `work`, COMMIT on one checked-out connection, as the store's transactions run. */
export async function transaction(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<void>,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function insertAudit(
  client: pg.PoolClient,
  t: Tables,
  [bindingId, version, from, to, trigger, at]: [string, number, string | null, string, string, Date],
): Promise<unknown> {
  return client.query(
    `INSERT INTO ${t.audit}
       (binding_id, version, from_status, to_status, trigger, at, request_id, source_address, failure_code, provider_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [bindingId, version, from, to, trigger, at, null, null, null, null],
  );
}

function insertEvent(
  client: pg.PoolClient,
  t: Tables,
  id: string,
  bindingId: string,
  payload: string,
  at: Date,
): Promise<unknown> {
  return client.query(
    `INSERT INTO ${t.workItems}
       (id, kind, binding_id, payload, status, attempts, run_at, deadline, created_at, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, 'pending', 0, $5, $6, $7, $8)
     ON CONFLICT (id) DO NOTHING`,
    [id, 'binding.event', bindingId, payload, at, new Date(at.getTime() + 86_400_000), at, at],
  );
}
