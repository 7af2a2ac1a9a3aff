import { WorkStatus, type ClaimWorkInput, type WorkItem } from '@cardbind/core';
import { toWorkItem } from '../rows/work-item-row.js';
import type { SqlClient, SqlValue } from '../sql/sql-client.js';
import type { Tables } from '../tables.js';

/** What listWork returns when the caller names no limit (the in-memory store's default too). */
const DEFAULT_LIST_LIMIT = 100;

/**
 * The WorkQueue half of the PostgreSQL store: claims and settles the items that transitions inserted
 * (see work-item-writes.ts). Every statement is one statement, so it needs no transaction of its own,
 * and each settle is conditional on the caller still holding the lease.
 */
export class PostgresWorkQueue {
  readonly #client: SqlClient;
  readonly #tables: Tables;

  constructor(client: SqlClient, tables: Tables) {
    this.#client = client;
    this.#tables = tables;
  }

  /**
   * One statement: lock up to `limit` due rows, skipping rows another claim has locked (FOR UPDATE SKIP
   * LOCKED), and lease them. A row another claim leased meanwhile is re-checked against the WHERE once
   * its lock is free and no longer matches, so concurrent claims never return one item twice.
   */
  async claim({ now, owner, leaseMs, limit, ids }: ClaimWorkInput): Promise<WorkItem[]> {
    const t = this.#tables;
    const params: SqlValue[] = [owner, new Date(now.getTime() + leaseMs), now, limit];
    let onlyThese = '';
    if (ids !== undefined) {
      params.push(ids);
      onlyThese = 'AND id = ANY($5::text[])';
    }
    const claimed = await this.#client.query(
      `UPDATE ${t.workItems}
          SET status = 'running', attempts = attempts + 1, lease_owner = $1, lease_until = $2, updated_at = $3
        WHERE id IN (SELECT id FROM ${t.workItems}
                      WHERE ((status = 'pending' AND run_at <= $3) OR (status = 'running' AND lease_until <= $3))
                        ${onlyThese}
                      ORDER BY run_at
                      LIMIT $4
                      FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      params,
    );
    // RETURNING keeps no order; callers run the oldest first. A row that does not parse fails the claim
    // loudly (corruption or a hand edit); the rows this claim leased are due again when their lease ends.
    return claimed.rows
      .map(toWorkItem)
      .sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || (a.id < b.id ? -1 : 1));
  }

  complete(id: string, owner: string, now: Date): Promise<boolean> {
    return this.#settle(id, owner, now, `status = 'done'`, []);
  }

  retry(id: string, owner: string, input: { runAt: Date; errorCode: string; now: Date }): Promise<boolean> {
    return this.#settle(id, owner, input.now, `status = 'pending', run_at = $4, last_error_code = $5`, [
      input.runAt,
      input.errorCode,
    ]);
  }

  fail(id: string, owner: string, input: { errorCode: string; now: Date }): Promise<boolean> {
    return this.#settle(id, owner, input.now, `status = 'failed', last_error_code = $4`, [input.errorCode]);
  }

  async list(filter: { status?: WorkStatus; bindingId?: string; limit?: number }): Promise<WorkItem[]> {
    const limit = filter.limit ?? DEFAULT_LIST_LIMIT;
    if (filter.status === undefined && filter.bindingId === undefined) return this.#listAll(limit);
    // Only the conditions asked for, so each filter reads its own index (an `$1 IS NULL OR …` would not).
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    if (filter.status !== undefined) {
      params.push(filter.status);
      conditions.push(`status = $${params.length}`);
    }
    if (filter.bindingId !== undefined) {
      params.push(filter.bindingId);
      conditions.push(`binding_id = $${params.length}`);
    }
    params.push(limit);
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const listed = await this.#client.query(
      `SELECT * FROM ${this.#tables.workItems} ${where} ORDER BY created_at, id LIMIT $${params.length}`,
      params,
    );
    return listed.rows.map(toWorkItem);
  }

  /**
   * The oldest items of any status: the oldest `limit` of each status (each read off
   * `work_items_by_status` in order), merged. Bounded by 4 × limit rows however large the table.
   */
  async #listAll(limit: number): Promise<WorkItem[]> {
    const t = this.#tables;
    const statuses = WorkStatus.options;
    const limitParam = `$${statuses.length + 1}`;
    const perStatus = statuses.map(
      (_, index) =>
        `(SELECT * FROM ${t.workItems} WHERE status = $${index + 1} ORDER BY created_at, id LIMIT ${limitParam})`,
    );
    const listed = await this.#client.query(
      `SELECT * FROM (${perStatus.join(' UNION ALL ')}) AS oldest ORDER BY created_at, id LIMIT ${limitParam}`,
      [...statuses, limit],
    );
    return listed.rows.map(toWorkItem);
  }

  /** Ends a lease with `change` ($4 on), if `owner` still holds it; says whether it did. */
  async #settle(
    id: string,
    owner: string,
    now: Date,
    change: string,
    changeParams: readonly SqlValue[],
  ): Promise<boolean> {
    const settled = await this.#client.query(
      `UPDATE ${this.#tables.workItems}
          SET ${change}, lease_owner = NULL, lease_until = NULL, updated_at = $3
        WHERE id = $1 AND status = 'running' AND lease_owner = $2`,
      [id, owner, now, ...changeParams],
    );
    return settled.rowCount > 0;
  }
}
