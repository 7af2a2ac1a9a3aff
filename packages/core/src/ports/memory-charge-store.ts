import type { ChargeAuditEntry } from '../charge/charge-audit.js';
import type { ChargeRecord } from '../charge/charge.js';
import { applyChargePatch, applyRefundPatch } from '../charge/apply-patch.js';
import { isChargeSettled } from '../charge/charge-state.js';
import type { RefundRecord } from '../charge/refund.js';
import { CardBindingError } from '../errors.js';
import type {
  ChargeCas,
  ChargeFilter,
  ChargeStore,
  ChargeUpdateResult,
  RefundUpdateResult,
} from './charge-store.js';
import { copyStored } from './copy-stored.js';

const DEFAULT_LIST_LIMIT = 100;

/**
 * For unit tests and a quick start in development only: one process, nothing survives a restart.
 * Deploy with `@cardbind/store-postgres`, whose store implements ChargeStore too.
 *
 * Every method is synchronous inside, so each call is atomic with respect to the event loop. Records
 * go in and come out as copies, as with a database.
 */
export class InMemoryChargeStore implements ChargeStore {
  readonly #charges = new Map<string, ChargeRecord>();
  readonly #chargeByKey = new Map<string, string>();
  /** Charge ids per card and per customer, so a card's history (read on every charge) is no full scan. */
  readonly #byCard = new Map<string, string[]>();
  readonly #byCustomer = new Map<string, string[]>();
  readonly #refunds = new Map<string, RefundRecord>();
  readonly #refundByKey = new Map<string, string>();
  readonly #audit = new Map<string, ChargeAuditEntry[]>();

  async createCharge(
    record: ChargeRecord,
    audit: ChargeAuditEntry,
  ): Promise<{ created: boolean; record: ChargeRecord }> {
    const key = pairKey(record.customerId, record.idempotencyKey);
    const existingId = this.#chargeByKey.get(key);
    const existing = existingId === undefined ? undefined : this.#charges.get(existingId);
    if (existing) return { created: false, record: copyStored(existing) };
    if (this.#charges.has(record.id)) {
      throw new CardBindingError('INVALID_STATE', `Charge id collision: ${record.id}`, { retryable: true });
    }
    this.#charges.set(record.id, copyStored(record));
    this.#chargeByKey.set(key, record.id);
    pushTo(this.#byCard, record.card.id, record.id);
    pushTo(this.#byCustomer, record.customerId, record.id);
    this.#appendAudit(audit);
    return { created: true, record: copyStored(record) };
  }

  async getCharge(id: string): Promise<ChargeRecord | undefined> {
    return copy(this.#charges.get(id));
  }

  async findChargeByIdempotencyKey(
    customerId: string,
    idempotencyKey: string,
  ): Promise<ChargeRecord | undefined> {
    const id = this.#chargeByKey.get(pairKey(customerId, idempotencyKey));
    return id === undefined ? undefined : copy(this.#charges.get(id));
  }

  async listCharges(filter: ChargeFilter): Promise<ChargeRecord[]> {
    const ids =
      filter.cardId !== undefined
        ? (this.#byCard.get(filter.cardId) ?? [])
        : filter.customerId !== undefined
          ? (this.#byCustomer.get(filter.customerId) ?? [])
          : [...this.#charges.keys()];
    return ids
      .flatMap((id) => {
        const charge = this.#charges.get(id);
        return charge ? [charge] : [];
      })
      .filter(
        (charge) =>
          (filter.customerId === undefined || charge.customerId === filter.customerId) &&
          (filter.cardId === undefined || charge.card.id === filter.cardId) &&
          (filter.since === undefined || charge.createdAt.getTime() >= filter.since.getTime()),
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, filter.limit ?? DEFAULT_LIST_LIMIT)
      .map((charge) => structuredClone(charge));
  }

  async updateCharge(id: string, cas: ChargeCas): Promise<ChargeUpdateResult> {
    const current = this.#charges.get(id);
    if (!current || current.version !== cas.expectedVersion) return { ok: false, current: copy(current) };
    const record = applyChargePatch(current, cas.patch);
    this.#charges.set(id, record);
    if (cas.audit) this.#appendAudit({ ...cas.audit, version: record.version });
    return { ok: true, record: copyStored(record) };
  }

  async listChargesToReconcile(now: Date, limit: number): Promise<ChargeRecord[]> {
    return [...this.#charges.values()]
      .filter(
        (charge) =>
          !isChargeSettled(charge.status) &&
          charge.reconcileAt !== undefined &&
          charge.reconcileAt.getTime() <= now.getTime(),
      )
      .sort((a, b) => (a.reconcileAt?.getTime() ?? 0) - (b.reconcileAt?.getTime() ?? 0))
      .slice(0, limit)
      .map((charge) => copyStored(charge));
  }

  async createRefund(
    refund: RefundRecord,
    audit: ChargeAuditEntry,
    charge: ChargeCas,
  ): ReturnType<ChargeStore['createRefund']> {
    const key = pairKey(refund.chargeId, refund.idempotencyKey);
    const existingId = this.#refundByKey.get(key);
    const existing = existingId === undefined ? undefined : this.#refunds.get(existingId);
    if (existing) return { created: false, refund: copyStored(existing) };
    const current = this.#charges.get(refund.chargeId);
    if (!current || current.version !== charge.expectedVersion) {
      return { conflict: true, charge: copy(current) };
    }
    if (this.#refunds.has(refund.id)) {
      throw new CardBindingError('INVALID_STATE', `Refund id collision: ${refund.id}`, { retryable: true });
    }
    const updated = applyChargePatch(current, charge.patch);
    this.#charges.set(current.id, updated);
    if (charge.audit) this.#appendAudit({ ...charge.audit, version: updated.version });
    this.#refunds.set(refund.id, copyStored(refund));
    this.#refundByKey.set(key, refund.id);
    this.#appendAudit(audit);
    return { created: true, refund: copyStored(refund), charge: copyStored(updated) };
  }

  async getRefund(id: string): Promise<RefundRecord | undefined> {
    return copy(this.#refunds.get(id));
  }

  async listRefunds(chargeId: string): Promise<RefundRecord[]> {
    return [...this.#refunds.values()]
      .filter((refund) => refund.chargeId === chargeId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .map((refund) => copyStored(refund));
  }

  async updateRefund(
    id: string,
    input: Parameters<ChargeStore['updateRefund']>[1],
  ): Promise<RefundUpdateResult> {
    const current = this.#refunds.get(id);
    const currentCharge = input.charge ? this.#charges.get(input.charge.id) : undefined;
    const chargeStale =
      input.charge !== undefined &&
      (!currentCharge || currentCharge.version !== input.charge.expectedVersion);
    if (!current || current.version !== input.expectedVersion || chargeStale) {
      return {
        ok: false,
        refund: copy(current),
        charge: copy(input.charge ? currentCharge : current && this.#charges.get(current.chargeId)),
      };
    }
    const refund = applyRefundPatch(current, input.patch);
    this.#refunds.set(id, refund);
    if (input.audit) this.#appendAudit({ ...input.audit, version: refund.version });
    if (!input.charge || !currentCharge) return { ok: true, refund: copyStored(refund) };
    const charge = applyChargePatch(currentCharge, input.charge.patch);
    this.#charges.set(charge.id, charge);
    if (input.charge.audit) this.#appendAudit({ ...input.charge.audit, version: charge.version });
    return { ok: true, refund: copyStored(refund), charge: copyStored(charge) };
  }

  async listRefundsToReconcile(now: Date, limit: number): Promise<RefundRecord[]> {
    return [...this.#refunds.values()]
      .filter(
        (refund) =>
          refund.status === 'processing' &&
          refund.reconcileAt !== undefined &&
          refund.reconcileAt.getTime() <= now.getTime(),
      )
      .sort((a, b) => (a.reconcileAt?.getTime() ?? 0) - (b.reconcileAt?.getTime() ?? 0))
      .slice(0, limit)
      .map((refund) => copyStored(refund));
  }

  async listChargeAudit(chargeId: string): Promise<ChargeAuditEntry[]> {
    // The port's order, as the PostgreSQL store's ORDER BY: time, subject (charge first), version, id.
    return copyStored(this.#audit.get(chargeId) ?? []).sort(
      (a, b) =>
        a.at.getTime() - b.at.getTime() ||
        (a.subject === b.subject ? 0 : a.subject === 'charge' ? -1 : 1) ||
        a.version - b.version ||
        (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0),
    );
  }

  #appendAudit(entry: ChargeAuditEntry): void {
    const history = this.#audit.get(entry.chargeId) ?? [];
    history.push(copyStored(entry));
    this.#audit.set(entry.chargeId, history);
  }
}

function pushTo(index: Map<string, string[]>, key: string, id: string): void {
  const ids = index.get(key);
  if (ids) ids.push(id);
  else index.set(key, [id]);
}

function pairKey(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : copyStored(value);
}
