import type { ChargeAuditEntry } from '../charge/charge-audit.js';
import type { ChargeRecord } from '../charge/charge.js';
import type { ChargePatch, RefundPatch } from '../charge/charge-state.js';
import type { RefundRecord } from '../charge/refund.js';

/** The methods a charge store has: what the module checks a host's store for. */
export const CHARGE_STORE_METHODS = [
  'createCharge',
  'getCharge',
  'findChargeByIdempotencyKey',
  'listCharges',
  'updateCharge',
  'listChargesToReconcile',
  'createRefund',
  'getRefund',
  'listRefunds',
  'updateRefund',
  'listRefundsToReconcile',
  'listChargeAudit',
] as const;

export type ChargeUpdateResult =
  { ok: true; record: ChargeRecord } | { ok: false; current: ChargeRecord | undefined };

export type RefundUpdateResult =
  | { ok: true; refund: RefundRecord; charge?: ChargeRecord }
  | { ok: false; refund: RefundRecord | undefined; charge: ChargeRecord | undefined };

/** A compare-and-set on a charge, written with a refund's own write in one atomic step. */
export interface ChargeCas {
  expectedVersion: number;
  patch: ChargePatch;
  /** Absent when the step changes no status (a reconciler's claim, a held refund amount). */
  audit?: ChargeAuditEntry;
}

export interface ChargeFilter {
  customerId?: string;
  cardId?: string;
  /** Only charges created at or after this time. */
  since?: Date;
  /** Newest first; at most this many (default 100). */
  limit?: number;
}

/**
 * Where charges, refunds and their history live. Like the BindingStore: every update is a
 * compare-and-set on `version`, the audit row is written in the same atomic step, and
 * (customerId, idempotencyKey) is unique for charges, (chargeId, idempotencyKey) for refunds, so two
 * instances racing with one key create one record. The store contract suite
 * (`describeChargeStoreContract` in `@cardbind/testing`) checks every rule.
 */
export interface ChargeStore {
  /** Inserts a charge and its creation audit row, or returns the one with the same (customer, key). */
  createCharge(
    record: ChargeRecord,
    audit: ChargeAuditEntry,
  ): Promise<{ created: boolean; record: ChargeRecord }>;
  getCharge(id: string): Promise<ChargeRecord | undefined>;
  findChargeByIdempotencyKey(customerId: string, idempotencyKey: string): Promise<ChargeRecord | undefined>;
  /** Newest first. */
  listCharges(filter: ChargeFilter): Promise<ChargeRecord[]>;
  updateCharge(id: string, cas: ChargeCas): Promise<ChargeUpdateResult>;
  /** Open charges (`processing`, `requires_action`) with `reconcileAt <= now`, oldest `reconcileAt` first. */
  listChargesToReconcile(now: Date, limit: number): Promise<ChargeRecord[]>;
  /**
   * Inserts a refund with its audit row and applies `charge` (which holds the refund's amount) in one
   * atomic step. When a refund with the same (chargeId, key) exists, returns it and writes nothing; when
   * the charge's CAS fails, writes nothing and returns `conflict`.
   */
  createRefund(
    refund: RefundRecord,
    audit: ChargeAuditEntry,
    charge: ChargeCas,
  ): Promise<
    | { created: true; refund: RefundRecord; charge: ChargeRecord }
    | { created: false; refund: RefundRecord }
    | { conflict: true; charge: ChargeRecord | undefined }
  >;
  getRefund(id: string): Promise<RefundRecord | undefined>;
  /** Oldest first. */
  listRefunds(chargeId: string): Promise<RefundRecord[]>;
  /**
   * A compare-and-set on the refund, and (when given) on its charge, in one atomic step: both apply or
   * neither does.
   */
  updateRefund(
    id: string,
    input: {
      expectedVersion: number;
      patch: RefundPatch;
      audit?: ChargeAuditEntry;
      charge?: { id: string } & ChargeCas;
    },
  ): Promise<RefundUpdateResult>;
  /** `processing` refunds with `reconcileAt <= now`, oldest first. */
  listRefundsToReconcile(now: Date, limit: number): Promise<RefundRecord[]>;
  /** A charge's and its refunds' audit rows, oldest first (by time, then subject, then version). */
  listChargeAudit(chargeId: string): Promise<ChargeAuditEntry[]>;
}
