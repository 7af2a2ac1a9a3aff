import {
  CardBindingError,
  type ChargeAuditEntry,
  type ChargeCas,
  type ChargeFilter,
  type ChargeRecord,
  type ChargeStore,
  type ChargeUpdateResult,
  type RefundRecord,
  type RefundUpdateResult,
} from '@cardbind/core';
import { driverErrorFields, UNIQUE_VIOLATION } from '../driver-errors.js';
import { jsonParam } from '../rows/binding-row.js';
import { toChargeAuditEntry } from '../rows/charge-audit-row.js';
import { toChargeRecord } from '../rows/charge-row.js';
import { toRefundRecord } from '../rows/refund-row.js';
import type { SqlClient, SqlSession, SqlValue } from '../sql/sql-client.js';
import { OPEN_CHARGE_STATUS_SQL, type Tables } from '../tables.js';
import { insertChargeAuditRow } from './charge-audit-writes.js';
import { chargePatchAssignments, refundPatchAssignments } from './charge-patch-sql.js';

const DEFAULT_LIST_LIMIT = 100;
const CHECK_VIOLATION = '23514';

type CreateRefundResult = Awaited<ReturnType<ChargeStore['createRefund']>>;
type UpdateRefundInput = Parameters<ChargeStore['updateRefund']>[1];
/** Held until the transaction ends: what makes a check and the write after it one step. */
type RowLock = '' | 'FOR UPDATE';

/**
 * The ChargeStore half of the PostgreSQL store; PostgresBindingStore delegates to it (and turns driver
 * failures into STORE_UNAVAILABLE). As with bindings, the database does the work: compare-and-set is
 * `UPDATE … WHERE id AND version`, uniqueness is constraints, and a step with several writes is one
 * transaction. Writes that touch a charge and a refund lock the charge row first, then the refund,
 * always in that order, so two of them never deadlock.
 */
export class PostgresChargeStore implements ChargeStore {
  readonly #client: SqlClient;
  readonly #tables: Tables;

  constructor(client: SqlClient, tables: Tables) {
    this.#client = client;
    this.#tables = tables;
  }

  createCharge(
    record: ChargeRecord,
    audit: ChargeAuditEntry,
  ): Promise<{ created: boolean; record: ChargeRecord }> {
    return this.#client.transaction(async (tx) => {
      const t = this.#tables;
      // No conflict target: a clash on the id, on (customer, key) or on (provider, order id) all land
      // here, and waiting for a concurrent insert of the same key is the database's job.
      const inserted = await this.#refusingOverRefund(() =>
        tx.query(
          `INSERT INTO ${t.charges}
             (id, version, provider, customer_id, card_id, card, amount_minor, currency, description, metadata,
              idempotency_key, request_hash, order_id, status, provider_ref, next_action, failure, refunded_minor,
              refunding_minor, return_url, provider_options, reconcile_at, reconcile_attempts, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15::jsonb, $16::jsonb,
                   $17::jsonb, $18, $19, $20, $21::jsonb, $22, $23, $24, $25)
           ON CONFLICT DO NOTHING
           RETURNING *`,
          [
            record.id,
            record.version,
            record.provider,
            record.customerId,
            record.card.id,
            jsonParam(record.card),
            record.amount.minor,
            record.amount.currency,
            record.description ?? null,
            jsonParam(record.metadata),
            record.idempotencyKey,
            record.requestHash,
            record.orderId,
            record.status,
            jsonParam(record.providerRef),
            jsonParam(record.nextAction),
            jsonParam(record.failure),
            record.refundedMinor,
            record.refundingMinor,
            record.returnUrl ?? null,
            jsonParam(record.providerOptions),
            record.reconcileAt ?? null,
            record.reconcileAttempts,
            record.createdAt,
            record.updatedAt,
          ],
        ),
      );
      const row = inserted.rows[0];
      if (row === undefined) {
        const existing = await this.#findByKey(tx, record.customerId, record.idempotencyKey);
        if (existing) return { created: false, record: existing };
        // The service draws a fresh id and order id for a new charge, so the caller may simply try again.
        throw new CardBindingError('INVALID_STATE', `Charge id or order id collision: ${record.id}`, {
          retryable: true,
        });
      }
      const stored = toChargeRecord(row);
      await insertChargeAuditRow(tx, t, audit, chargeSubject(stored));
      return { created: true, record: stored };
    });
  }

  getCharge(id: string): Promise<ChargeRecord | undefined> {
    return this.#charge(this.#client, id);
  }

  findChargeByIdempotencyKey(customerId: string, idempotencyKey: string): Promise<ChargeRecord | undefined> {
    return this.#findByKey(this.#client, customerId, idempotencyKey);
  }

  async listCharges(filter: ChargeFilter): Promise<ChargeRecord[]> {
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    const where = (column: string, operator: string, value: SqlValue): void => {
      params.push(value);
      conditions.push(`${column} ${operator} $${params.length}`);
    };
    if (filter.customerId !== undefined) where('customer_id', '=', filter.customerId);
    if (filter.cardId !== undefined) where('card_id', '=', filter.cardId);
    if (filter.since !== undefined) where('created_at', '>=', filter.since);
    params.push(filter.limit ?? DEFAULT_LIST_LIMIT);
    const result = await this.#client.query(
      `SELECT * FROM ${this.#tables.charges}
        ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC
        LIMIT $${params.length}`,
      params,
    );
    return result.rows.map(toChargeRecord);
  }

  updateCharge(id: string, cas: ChargeCas): Promise<ChargeUpdateResult> {
    return this.#client.transaction(async (tx) => {
      const record = await this.#compareAndSetCharge(tx, id, cas);
      if (record === undefined) return { ok: false, current: await this.#charge(tx, id) };
      return { ok: true, record };
    });
  }

  async listChargesToReconcile(now: Date, limit: number): Promise<ChargeRecord[]> {
    const result = await this.#client.query(
      `SELECT * FROM ${this.#tables.charges}
        WHERE ${OPEN_CHARGE_STATUS_SQL} AND reconcile_at <= $1
        ORDER BY reconcile_at
        LIMIT $2`,
      [now, limit],
    );
    return result.rows.map(toChargeRecord);
  }

  createRefund(
    refund: RefundRecord,
    audit: ChargeAuditEntry,
    charge: ChargeCas,
  ): Promise<CreateRefundResult> {
    return this.#client.transaction(async (tx): Promise<CreateRefundResult> => {
      const t = this.#tables;
      // Every refund of a charge is inserted under this lock, so the key check below cannot race.
      const current = await this.#charge(tx, refund.chargeId, 'FOR UPDATE');
      const existing = (
        await tx.query(`SELECT * FROM ${t.refunds} WHERE charge_id = $1 AND idempotency_key = $2`, [
          refund.chargeId,
          refund.idempotencyKey,
        ])
      ).rows[0];
      if (existing !== undefined) return { created: false, refund: toRefundRecord(existing) };
      if (current === undefined || current.version !== charge.expectedVersion) {
        return { conflict: true, charge: current };
      }
      const updated = await this.#compareAndSetCharge(tx, current.id, charge);
      if (updated === undefined) return { conflict: true, charge: await this.#charge(tx, current.id) };
      const stored = await this.#insertRefund(tx, refund);
      await insertChargeAuditRow(tx, t, audit, refundSubject(stored));
      return { created: true, refund: stored, charge: updated };
    });
  }

  getRefund(id: string): Promise<RefundRecord | undefined> {
    return this.#refund(this.#client, id);
  }

  async listRefunds(chargeId: string): Promise<RefundRecord[]> {
    const result = await this.#client.query(
      `SELECT * FROM ${this.#tables.refunds} WHERE charge_id = $1 ORDER BY created_at, id`,
      [chargeId],
    );
    return result.rows.map(toRefundRecord);
  }

  updateRefund(id: string, input: UpdateRefundInput): Promise<RefundUpdateResult> {
    return this.#client.transaction(async (tx): Promise<RefundUpdateResult> => {
      const { charge } = input;
      if (charge === undefined) {
        const refund = await this.#compareAndSetRefund(tx, id, input);
        if (refund !== undefined) return { ok: true, refund };
        const current = await this.#refund(tx, id);
        return {
          ok: false,
          refund: current,
          charge: current === undefined ? undefined : await this.#charge(tx, current.chargeId),
        };
      }
      // Both rows are locked and checked before either is written: both apply or neither does.
      const currentCharge = await this.#charge(tx, charge.id, 'FOR UPDATE');
      const current = await this.#refund(tx, id, 'FOR UPDATE');
      if (current?.version !== input.expectedVersion || currentCharge?.version !== charge.expectedVersion) {
        return { ok: false, refund: current, charge: currentCharge };
      }
      const refund = await this.#compareAndSetRefund(tx, id, input);
      const updated = await this.#compareAndSetCharge(tx, charge.id, charge);
      if (refund === undefined || updated === undefined) {
        // Unreachable under the locks above; rolling back keeps the step all or nothing even so.
        throw new CardBindingError('STORE_UNAVAILABLE', 'A locked refund or charge changed under its lock', {
          retryable: true,
        });
      }
      return { ok: true, refund, charge: updated };
    });
  }

  async listRefundsToReconcile(now: Date, limit: number): Promise<RefundRecord[]> {
    const result = await this.#client.query(
      `SELECT * FROM ${this.#tables.refunds}
        WHERE status = 'processing' AND reconcile_at <= $1
        ORDER BY reconcile_at
        LIMIT $2`,
      [now, limit],
    );
    return result.rows.map(toRefundRecord);
  }

  async listChargeAudit(chargeId: string): Promise<ChargeAuditEntry[]> {
    // subject_id last: two refunds' creations at one instant still come back in one order.
    const result = await this.#client.query(
      `SELECT * FROM ${this.#tables.chargeAudit} WHERE charge_id = $1 ORDER BY at, subject, version, subject_id`,
      [chargeId],
    );
    return result.rows.map(toChargeAuditEntry);
  }

  /**
   * The compare-and-set. A racing writer holding the row makes this wait, then see the new version and
   * match nothing: exactly one of N callers on one version gets a row back. Its audit row, if any, is
   * written on the same connection.
   */
  async #compareAndSetCharge(tx: SqlSession, id: string, cas: ChargeCas): Promise<ChargeRecord | undefined> {
    const set = chargePatchAssignments(cas.patch, 2);
    const updated = await this.#refusingOverRefund(() =>
      tx.query(
        `UPDATE ${this.#tables.charges} SET version = version + 1, ${set.sql}
          WHERE id = $1 AND version = $2
          RETURNING *`,
        [id, cas.expectedVersion, ...set.params],
      ),
    );
    const row = updated.rows[0];
    if (row === undefined) return undefined;
    const record = toChargeRecord(row);
    if (cas.audit) await insertChargeAuditRow(tx, this.#tables, cas.audit, chargeSubject(record));
    return record;
  }

  async #compareAndSetRefund(
    tx: SqlSession,
    id: string,
    input: UpdateRefundInput,
  ): Promise<RefundRecord | undefined> {
    const set = refundPatchAssignments(input.patch, 2);
    const updated = await tx.query(
      `UPDATE ${this.#tables.refunds} SET version = version + 1, ${set.sql}
        WHERE id = $1 AND version = $2
        RETURNING *`,
      [id, input.expectedVersion, ...set.params],
    );
    const row = updated.rows[0];
    if (row === undefined) return undefined;
    const refund = toRefundRecord(row);
    if (input.audit) await insertChargeAuditRow(tx, this.#tables, input.audit, refundSubject(refund));
    return refund;
  }

  async #insertRefund(tx: SqlSession, refund: RefundRecord): Promise<RefundRecord> {
    try {
      const inserted = await tx.query(
        `INSERT INTO ${this.#tables.refunds}
           (id, version, charge_id, customer_id, amount_minor, currency, idempotency_key, request_hash, status,
            provider_ref, failure, reconcile_at, reconcile_attempts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14, $15)
         RETURNING *`,
        [
          refund.id,
          refund.version,
          refund.chargeId,
          refund.customerId,
          refund.amount.minor,
          refund.amount.currency,
          refund.idempotencyKey,
          refund.requestHash,
          refund.status,
          jsonParam(refund.providerRef),
          jsonParam(refund.failure),
          refund.reconcileAt ?? null,
          refund.reconcileAttempts,
          refund.createdAt,
          refund.updatedAt,
        ],
      );
      return toRefundRecord(inserted.rows[0]);
    } catch (error) {
      const { code, constraint } = driverErrorFields(error);
      if (code === UNIQUE_VIOLATION && constraint === 'refunds_pkey') {
        throw new CardBindingError('INVALID_STATE', `Refund id collision: ${refund.id}`, { retryable: true });
      }
      throw error;
    }
  }

  /** A write that would refund more than was charged is the caller's error, not the database's outage. */
  async #refusingOverRefund<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const { code, constraint } = driverErrorFields(error);
      if (code === CHECK_VIOLATION && constraint === 'charges_refunds_within_amount') {
        throw new CardBindingError(
          'REFUND_EXCEEDS_CHARGE',
          'The refunded and held amounts would exceed the charged amount',
          { retryable: false },
        );
      }
      throw error;
    }
  }

  async #charge(session: SqlSession, id: string, lock: RowLock = ''): Promise<ChargeRecord | undefined> {
    const row = (await session.query(`SELECT * FROM ${this.#tables.charges} WHERE id = $1 ${lock}`, [id]))
      .rows[0];
    return row === undefined ? undefined : toChargeRecord(row);
  }

  async #refund(session: SqlSession, id: string, lock: RowLock = ''): Promise<RefundRecord | undefined> {
    const row = (await session.query(`SELECT * FROM ${this.#tables.refunds} WHERE id = $1 ${lock}`, [id]))
      .rows[0];
    return row === undefined ? undefined : toRefundRecord(row);
  }

  async #findByKey(session: SqlSession, customerId: string, key: string): Promise<ChargeRecord | undefined> {
    const row = (
      await session.query(
        `SELECT * FROM ${this.#tables.charges} WHERE customer_id = $1 AND idempotency_key = $2`,
        [customerId, key],
      )
    ).rows[0];
    return row === undefined ? undefined : toChargeRecord(row);
  }
}

function chargeSubject(record: ChargeRecord) {
  return { chargeId: record.id, subject: 'charge', id: record.id, version: record.version } as const;
}

function refundSubject(refund: RefundRecord) {
  return { chargeId: refund.chargeId, subject: 'refund', id: refund.id, version: refund.version } as const;
}
