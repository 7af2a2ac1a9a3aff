import { quoteIdentifier } from './sql/identifier.js';

/**
 * The store's tables, qualified by its schema. Every statement names the schema itself instead of
 * relying on `search_path`, which a host's pooled connections may set to anything.
 */
export function tablesIn(schema: string) {
  const q = quoteIdentifier(schema);
  return {
    bindings: `${q}.bindings`,
    lookupKeys: `${q}.binding_lookup_keys`,
    cards: `${q}.cards`,
    audit: `${q}.binding_audit`,
    workItems: `${q}.work_items`,
    charges: `${q}.charges`,
    refunds: `${q}.refunds`,
    chargeAudit: `${q}.charge_audit`,
    migrations: `${q}.schema_migrations`,
  } as const;
}
export type Tables = ReturnType<typeof tablesIn>;

/** The terminal statuses as SQL, matching the partial index `bindings_terminal_by_age` word for word. */
export const TERMINAL_STATUS_SQL = `status IN ('succeeded', 'failed', 'expired')`;

/** The open statuses as SQL, matching the partial index `bindings_open_by_deadline` word for word. */
export const OPEN_STATUS_SQL = `status IN ('requires_action', 'processing')`;

/** Work items that will not run again. */
export const FINISHED_WORK_SQL = `status IN ('done', 'failed')`;

/** The open charge statuses as SQL, matching the partial index `charges_to_reconcile` word for word. */
export const OPEN_CHARGE_STATUS_SQL = `status IN ('processing', 'requires_action')`;
