import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { transaction } from './floor-binding.js';

/** The card a floor charge names: what the service copies into the charge row from the saved card. */
export interface FloorChargeCard {
  id: string;
  customerId: string;
  bindingId: string;
}

/** The charge tables of one schema, quoted as the store quotes them. */
export function chargeTables(schema: string) {
  const q = `"${schema}"`;
  return { charges: `${q}.charges`, audit: `${q}.charge_audit` } as const;
}
type ChargeTables = ReturnType<typeof chargeTables>;

/**
 * One successful charge's writes as a host without cardbind would issue them with `pg`: the statements
 * `@cardbind/store-postgres` issues for `createCharge` and the compare-and-set that settles it (its SQL,
 * copied), each pair in its own transaction — the charge must be stored, with its order id, before the
 * provider hears of it, so the two cannot be one. Nothing else: no idempotency lookup, no card read,
 * no retry-advice history, no zod on the returned rows. The lower bound on what any store that keeps
 * Payture's exactly-once rule pays per charge.
 */
export async function floorCharge(
  pool: pg.Pool,
  schema: string,
  card: FloorChargeCard,
  kopecks: number,
): Promise<string> {
  const t = chargeTables(schema);
  const id = `ch_${randomBytes(16).toString('base64url')}`;
  const created = new Date();
  const cardView = {
    id: card.id,
    provider: 'payture',
    customerId: card.customerId,
    bindingId: card.bindingId,
    display: { maskedPan: '411111******1111', expiry: '12/30', brand: 'Visa' },
    createdAt: created,
  };

  await transaction(pool, async (client) => {
    await client.query(
      `INSERT INTO ${t.charges}
         (id, version, provider, customer_id, card_id, card, amount_minor, currency, description, metadata,
          idempotency_key, request_hash, order_id, status, provider_ref, next_action, failure, refunded_minor,
          refunding_minor, return_url, provider_options, reconcile_at, reconcile_attempts, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15::jsonb, $16::jsonb,
               $17::jsonb, $18, $19, $20, $21::jsonb, $22, $23, $24, $25)
       ON CONFLICT DO NOTHING
       RETURNING *`,
      [
        id,
        0,
        'payture',
        card.customerId,
        card.id,
        JSON.stringify(cardView),
        kopecks,
        'RUB',
        null,
        '{}',
        `floor-${id}`,
        randomBytes(32).toString('base64url'),
        id,
        'processing',
        '{}',
        null,
        null,
        0,
        0,
        null,
        '{}',
        new Date(created.getTime() + 60_000),
        0,
        created,
        created,
      ],
    );
    await insertChargeAudit(client, t, [id, 0, null, 'processing', created]);
  });

  // Here the host sends Pay; the floor measures the store alone, as scenario 7's does.
  const settled = new Date();
  await transaction(pool, async (client) => {
    await client.query(
      `UPDATE ${t.charges} SET version = version + 1, updated_at = $3, status = $4, next_action = $5::jsonb, reconcile_at = $6
        WHERE id = $1 AND version = $2
        RETURNING *`,
      [id, 0, settled, 'succeeded', null, null],
    );
    await insertChargeAudit(client, t, [id, 1, 'processing', 'succeeded', settled]);
  });
  return id;
}

function insertChargeAudit(
  client: pg.PoolClient,
  t: ChargeTables,
  [chargeId, version, from, to, at]: [string, number, string | null, string, Date],
): Promise<unknown> {
  return client.query(
    `INSERT INTO ${t.audit}
       (charge_id, subject, subject_id, version, from_status, to_status, trigger, at, request_id, source_address,
        failure_code, provider_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [chargeId, 'charge', chargeId, version, from, to, 'charge', at, null, null, null, null],
  );
}
