import {
  CardBindingError,
  toCardView,
  type AuditEntry,
  type BindingPatch,
  type BindingRecord,
  type BindingStore,
  type ChargeAuditEntry,
  type ChargeCas,
  type ChargeFilter,
  type ChargeRecord,
  type ChargeStore,
  type ChargeUpdateResult,
  type ClaimWorkInput,
  type CreateResult,
  type NewWorkItem,
  type RefundRecord,
  type RefundUpdateResult,
  type SavedCard,
  type UpdateResult,
  type UpdateWrites,
  type WorkItem,
  type WorkQueue,
  type WorkStatus,
} from '@cardbind/core';
import { insertAuditRow } from './audit-writes.js';
import { saveCardOnce } from './card-writes.js';
import { PostgresChargeStore } from './charges/postgres-charge-store.js';
import { driverErrorFields, toStoreError, UNIQUE_VIOLATION } from './driver-errors.js';
import type { TokenCipher } from './keys/token-cipher.js';
import { assertSchemaCurrent, migrateSchema, type MigrationResult } from './migrate.js';
import {
  purgeTerminalBindings,
  type PurgeOptions,
  type PurgeResult,
} from './maintenance/purge-terminal-bindings.js';
import {
  reencryptTokens,
  type ReencryptOptions,
  type ReencryptResult,
} from './maintenance/reencrypt-tokens.js';
import { toAuditEntry } from './rows/audit-row.js';
import { jsonParam, toBindingRecord } from './rows/binding-row.js';
import { toSavedCard } from './rows/card-row.js';
import type { SqlClient, SqlSession, SqlValue } from './sql/sql-client.js';
import { OPEN_STATUS_SQL, tablesIn, type Tables } from './tables.js';
import { insertWorkItems } from './work-item-writes.js';
import { PostgresWorkQueue } from './work/postgres-work-queue.js';

/**
 * A BindingStore, WorkQueue and ChargeStore on PostgreSQL (a server through node-postgres, or PGlite in
 * process: the same SQL), so one store object serves bindings, their background work and charges. The database does the work: compare-and-set is `UPDATE … WHERE id AND version`,
 * uniqueness is constraints, each write with several statements is one transaction (so a binding is
 * never half-written and the work a transition causes commits with it), and workers claim that work
 * with `FOR UPDATE SKIP LOCKED`. Every failure leaves as a CardBindingError without SQL values in it.
 */
export class PostgresBindingStore implements BindingStore, WorkQueue, ChargeStore {
  readonly #client: SqlClient;
  readonly #cipher: TokenCipher;
  readonly #tables: Tables;
  readonly #work: PostgresWorkQueue;
  readonly #charges: PostgresChargeStore;
  /** The schema (PostgreSQL namespace) holding the store's tables. */
  readonly schema: string;

  constructor(client: SqlClient, options: { schema: string; cipher: TokenCipher }) {
    this.#client = client;
    this.#cipher = options.cipher;
    this.schema = options.schema;
    this.#tables = tablesIn(options.schema);
    this.#work = new PostgresWorkQueue(client, this.#tables);
    this.#charges = new PostgresChargeStore(client, this.#tables);
  }

  /** Applies the package's pending migrations under an advisory lock; safe to call from every instance at start. */
  migrate(): Promise<MigrationResult> {
    return this.#guard('migrate', () => migrateSchema(this.#client, this.schema));
  }

  /** Refuses a schema that is behind or ahead of this package (for stores started with `migrate: false`). */
  assertSchemaCurrent(): Promise<void> {
    return this.#guard('assertSchemaCurrent', () => assertSchemaCurrent(this.#client, this.schema));
  }

  create(record: BindingRecord, audit: AuditEntry, work: readonly NewWorkItem[] = []): Promise<CreateResult> {
    return this.#guard('create', () =>
      this.#client.transaction((tx) => this.#create(tx, record, audit, work)),
    );
  }

  get(id: string): Promise<BindingRecord | undefined> {
    return this.#guard('get', () =>
      this.#one(this.#client, `SELECT * FROM ${this.#tables.bindings} WHERE id = $1`, [id]),
    );
  }

  findByIdempotencyKey(customerId: string, idempotencyKey: string): Promise<BindingRecord | undefined> {
    return this.#guard('findByIdempotencyKey', () =>
      this.#one(
        this.#client,
        `SELECT * FROM ${this.#tables.bindings} WHERE customer_id = $1 AND idempotency_key = $2`,
        [customerId, idempotencyKey],
      ),
    );
  }

  findByLookupKey(provider: string, lookupKey: string): Promise<BindingRecord | undefined> {
    return this.#guard('findByLookupKey', () =>
      this.#one(
        this.#client,
        `SELECT b.* FROM ${this.#tables.lookupKeys} k JOIN ${this.#tables.bindings} b ON b.id = k.binding_id
          WHERE k.provider = $1 AND k.lookup_key = $2`,
        [provider, lookupKey],
      ),
    );
  }

  update(
    id: string,
    expectedVersion: number,
    patch: BindingPatch,
    writes: UpdateWrites,
  ): Promise<UpdateResult> {
    return this.#guard('update', () =>
      this.#client.transaction((tx) => this.#update(tx, id, expectedVersion, patch, writes)),
    );
  }

  listAudit(bindingId: string): Promise<AuditEntry[]> {
    return this.#guard('listAudit', async () => {
      const result = await this.#client.query(
        `SELECT * FROM ${this.#tables.audit} WHERE binding_id = $1 ORDER BY version`,
        [bindingId],
      );
      return result.rows.map(toAuditEntry);
    });
  }

  listCards(customerId: string): Promise<SavedCard[]> {
    return this.#guard('listCards', async () => {
      const result = await this.#client.query(
        `SELECT * FROM ${this.#tables.cards} WHERE customer_id = $1 ORDER BY created_at, id`,
        [customerId],
      );
      return result.rows.map((row) => toSavedCard(row, this.#cipher));
    });
  }

  getCard(cardId: string): Promise<SavedCard | undefined> {
    return this.#guard('getCard', async () => {
      const row = (await this.#client.query(`SELECT * FROM ${this.#tables.cards} WHERE id = $1`, [cardId]))
        .rows[0];
      return row === undefined ? undefined : toSavedCard(row, this.#cipher);
    });
  }

  removeCard(cardId: string): Promise<boolean> {
    return this.#guard('removeCard', async () => {
      const result = await this.#client.query(`DELETE FROM ${this.#tables.cards} WHERE id = $1`, [cardId]);
      return result.rowCount > 0;
    });
  }

  claimWork(input: ClaimWorkInput): Promise<WorkItem[]> {
    return this.#guard('claimWork', () => this.#work.claim(input));
  }

  completeWork(id: string, owner: string, now: Date): Promise<boolean> {
    return this.#guard('completeWork', () => this.#work.complete(id, owner, now));
  }

  retryWork(
    id: string,
    owner: string,
    input: { runAt: Date; errorCode: string; now: Date },
  ): Promise<boolean> {
    return this.#guard('retryWork', () => this.#work.retry(id, owner, input));
  }

  failWork(id: string, owner: string, input: { errorCode: string; now: Date }): Promise<boolean> {
    return this.#guard('failWork', () => this.#work.fail(id, owner, input));
  }

  listWork(filter: { status?: WorkStatus; bindingId?: string; limit?: number }): Promise<WorkItem[]> {
    return this.#guard('listWork', () => this.#work.list(filter));
  }

  listExpiredBindings(now: Date, limit: number): Promise<BindingRecord[]> {
    return this.#guard('listExpiredBindings', async () => {
      const result = await this.#client.query(
        `SELECT * FROM ${this.#tables.bindings}
          WHERE ${OPEN_STATUS_SQL} AND expires_at <= $1
          ORDER BY expires_at
          LIMIT $2`,
        [now, limit],
      );
      return result.rows.map(toBindingRecord);
    });
  }

  createCharge(
    record: ChargeRecord,
    audit: ChargeAuditEntry,
  ): Promise<{ created: boolean; record: ChargeRecord }> {
    return this.#guard('createCharge', () => this.#charges.createCharge(record, audit));
  }

  getCharge(id: string): Promise<ChargeRecord | undefined> {
    return this.#guard('getCharge', () => this.#charges.getCharge(id));
  }

  findChargeByIdempotencyKey(customerId: string, idempotencyKey: string): Promise<ChargeRecord | undefined> {
    return this.#guard('findChargeByIdempotencyKey', () =>
      this.#charges.findChargeByIdempotencyKey(customerId, idempotencyKey),
    );
  }

  listCharges(filter: ChargeFilter): Promise<ChargeRecord[]> {
    return this.#guard('listCharges', () => this.#charges.listCharges(filter));
  }

  updateCharge(id: string, cas: ChargeCas): Promise<ChargeUpdateResult> {
    return this.#guard('updateCharge', () => this.#charges.updateCharge(id, cas));
  }

  listChargesToReconcile(now: Date, limit: number): Promise<ChargeRecord[]> {
    return this.#guard('listChargesToReconcile', () => this.#charges.listChargesToReconcile(now, limit));
  }

  createRefund(
    refund: RefundRecord,
    audit: ChargeAuditEntry,
    charge: ChargeCas,
  ): ReturnType<ChargeStore['createRefund']> {
    return this.#guard('createRefund', () => this.#charges.createRefund(refund, audit, charge));
  }

  getRefund(id: string): Promise<RefundRecord | undefined> {
    return this.#guard('getRefund', () => this.#charges.getRefund(id));
  }

  listRefunds(chargeId: string): Promise<RefundRecord[]> {
    return this.#guard('listRefunds', () => this.#charges.listRefunds(chargeId));
  }

  updateRefund(id: string, input: Parameters<ChargeStore['updateRefund']>[1]): Promise<RefundUpdateResult> {
    return this.#guard('updateRefund', () => this.#charges.updateRefund(id, input));
  }

  listRefundsToReconcile(now: Date, limit: number): Promise<RefundRecord[]> {
    return this.#guard('listRefundsToReconcile', () => this.#charges.listRefundsToReconcile(now, limit));
  }

  listChargeAudit(chargeId: string): Promise<ChargeAuditEntry[]> {
    return this.#guard('listChargeAudit', () => this.#charges.listChargeAudit(chargeId));
  }

  /** Moves card tokens under retired keys to the current key, one transaction per batch. */
  reencryptTokens(options: ReencryptOptions = {}): Promise<ReencryptResult> {
    return this.#guard('reencryptTokens', () =>
      reencryptTokens(this.#client, this.#tables, this.#cipher, options),
    );
  }

  /**
   * Deletes terminal bindings that ended before `olderThan` with their finished work items (and, if
   * asked, their audit rows), in batches.
   */
  purgeTerminalBindings(options: PurgeOptions): Promise<PurgeResult> {
    return this.#guard('purgeTerminalBindings', () =>
      purgeTerminalBindings(this.#client, this.#tables, options),
    );
  }

  /** Ends the connection pool or PGlite instance the store opened itself; a pool the host passed in stays open. */
  close(): Promise<void> {
    return this.#guard('close', () => this.#client.close());
  }

  async #create(
    tx: SqlSession,
    record: BindingRecord,
    audit: AuditEntry,
    work: readonly NewWorkItem[],
  ): Promise<CreateResult> {
    const t = this.#tables;
    // No conflict target: a clash on the id or on (customer, idempotency key) both land here, and waiting
    // for a concurrent insert of the same key is the database's job.
    const inserted = await tx.query(
      `INSERT INTO ${t.bindings}
         (id, version, provider, customer_id, customer, status, next_action, card, failure, provider_ref,
          lookup_keys, idempotency_key, return_url, metadata, created_at, updated_at, expires_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb,
               $11::text[], $12, $13, $14::jsonb, $15, $16, $17)
       ON CONFLICT DO NOTHING
       RETURNING *`,
      [
        record.id,
        record.version,
        record.provider,
        record.customer.id,
        jsonParam(record.customer),
        record.status,
        jsonParam(record.nextAction),
        jsonParam(record.card),
        jsonParam(record.failure),
        jsonParam(record.providerRef),
        record.lookupKeys,
        record.idempotencyKey ?? null,
        record.returnUrl ?? null,
        jsonParam(record.metadata),
        record.createdAt,
        record.updatedAt,
        record.expiresAt,
      ],
    );
    const row = inserted.rows[0];
    if (row === undefined) {
      if (record.idempotencyKey !== undefined) {
        const existing = await this.#one(
          tx,
          `SELECT * FROM ${t.bindings} WHERE customer_id = $1 AND idempotency_key = $2`,
          [record.customer.id, record.idempotencyKey],
        );
        if (existing) return { created: false, record: existing };
      }
      // A fresh start draws a fresh id, so the caller may simply try again (as with the in-memory store).
      throw new CardBindingError('INVALID_STATE', `Binding id collision: ${record.id}`, { retryable: true });
    }
    if (record.lookupKeys.length > 0) await this.#insertLookupKeys(tx, record);
    await insertAuditRow(tx, t, audit, record);
    await insertWorkItems(tx, t, work, audit.at);
    return { created: true, record: toBindingRecord(row) };
  }

  async #insertLookupKeys(tx: SqlSession, record: BindingRecord): Promise<void> {
    try {
      await tx.query(
        `INSERT INTO ${this.#tables.lookupKeys} (provider, lookup_key, binding_id)
         SELECT DISTINCT $1, key, $2 FROM unnest($3::text[]) AS key`,
        [record.provider, record.id, record.lookupKeys],
      );
    } catch (error) {
      const { code, constraint } = driverErrorFields(error);
      if (code === UNIQUE_VIOLATION && constraint === 'binding_lookup_keys_pkey') {
        throw new CardBindingError(
          'INVALID_STATE',
          `Another ${record.provider} binding already has one of this binding's lookup keys`,
          { retryable: false },
        );
      }
      throw error;
    }
  }

  async #update(
    tx: SqlSession,
    id: string,
    expectedVersion: number,
    patch: BindingPatch,
    writes: UpdateWrites,
  ): Promise<UpdateResult> {
    const t = this.#tables;
    const { assignments, params } = patchAssignments(patch, writes.card);
    // The compare-and-set. A racing writer holding the row makes this wait, then see the new version and
    // match nothing: exactly one of N callers on one version gets a row back.
    const updated = await tx.query(
      `UPDATE ${t.bindings} SET version = version + 1, ${assignments.join(', ')}
        WHERE id = $1 AND version = $2
        RETURNING *`,
      [id, expectedVersion, ...params],
    );
    const row = updated.rows[0];
    if (row === undefined) {
      return { ok: false, current: await this.#one(tx, `SELECT * FROM ${t.bindings} WHERE id = $1`, [id]) };
    }
    let record = toBindingRecord(row);
    if (patch.lookupKeys !== undefined) {
      // Keys an outcome added after init. One another binding already holds keeps pointing there: the
      // first binding to claim a key owns it, as in the in-memory store.
      await tx.query(
        `INSERT INTO ${t.lookupKeys} (provider, lookup_key, binding_id)
         SELECT DISTINCT $1, key, $2 FROM unnest($3::text[]) AS key
         ON CONFLICT (provider, lookup_key) DO NOTHING`,
        [record.provider, record.id, patch.lookupKeys],
      );
    }
    let card: SavedCard | undefined;
    if (writes.card) {
      card = await this.#saveCard(tx, writes.card);
      // The compare-and-set named the new card. Only when the customer already had this token is the
      // binding's card the kept one instead: a second UPDATE then, not on every saved card.
      if (card.id !== writes.card.id) {
        const withCard = await tx.query(
          `UPDATE ${t.bindings} SET card = $2::jsonb WHERE id = $1 RETURNING *`,
          [id, jsonParam(toCardView(card))],
        );
        record = toBindingRecord(withCard.rows[0]);
      }
    }
    await insertAuditRow(tx, t, writes.audit, record);
    // Only a winning compare-and-set gets here: a lost race writes no work.
    await insertWorkItems(tx, t, writes.work ?? [], writes.audit.at);
    return card ? { ok: true, record, card } : { ok: true, record };
  }

  async #saveCard(tx: SqlSession, card: SavedCard): Promise<SavedCard> {
    try {
      return await saveCardOnce(tx, this.#tables, this.#cipher, card);
    } catch (error) {
      const { code, constraint } = driverErrorFields(error);
      if (code === UNIQUE_VIOLATION && constraint === 'cards_pkey') {
        throw new CardBindingError('INVALID_STATE', `Card id collision: ${card.id}`, { retryable: true });
      }
      throw error;
    }
  }

  async #one(
    session: SqlSession,
    text: string,
    params: readonly SqlValue[],
  ): Promise<BindingRecord | undefined> {
    const row = (await session.query(text, params)).rows[0];
    return row === undefined ? undefined : toBindingRecord(row);
  }

  async #guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }
}

/**
 * The SET list of a patch, numbered from $3 ($1 and $2 are the id and the expected version). Like the
 * in-memory store's spread, a key present with `undefined` clears the column and an absent key keeps it.
 */
function patchAssignments(
  patch: BindingPatch,
  savedCard: SavedCard | undefined,
): { assignments: string[]; params: SqlValue[] } {
  const assignments: string[] = [];
  const params: SqlValue[] = [];
  const set = (column: string, value: SqlValue, cast = ''): void => {
    params.push(value);
    assignments.push(`${column} = $${params.length + 2}${cast}`);
  };
  set('status', patch.status);
  set('updated_at', patch.updatedAt);
  if (Object.hasOwn(patch, 'nextAction')) set('next_action', jsonParam(patch.nextAction), '::jsonb');
  if (Object.hasOwn(patch, 'failure')) set('failure', jsonParam(patch.failure), '::jsonb');
  if (Object.hasOwn(patch, 'providerRef') && patch.providerRef !== undefined) {
    set('provider_ref', jsonParam(patch.providerRef), '::jsonb');
  }
  if (patch.lookupKeys !== undefined) set('lookup_keys', patch.lookupKeys, '::text[]');
  // With a card to save, the binding names that card (the store's view of it, whatever the patch says);
  // `update` repoints it when the customer's existing card with the same token is kept instead.
  if (savedCard) set('card', jsonParam(toCardView(savedCard)), '::jsonb');
  else if (Object.hasOwn(patch, 'card')) set('card', jsonParam(patch.card), '::jsonb');
  return { assignments, params };
}
