import {
  isChargeSettled,
  type ChargeAuditEntry,
  type ChargeCas,
  type ChargeFilter,
  type ChargePatch,
  type ChargeRecord,
  type ChargeStore,
  type ChargeUpdateResult,
  type RefundPatch,
  type RefundRecord,
  type RefundUpdateResult,
} from '@cardbind/core';

/** Mistakes real charge stores make, each planted on its own to prove that the contract suite catches it. */
export type ChargeStoreDefect =
  /** Keeps the failure as JSON and hands its dates back as strings, as a jsonb column read naively does. */
  | 'failureDatesAsStrings'
  /** Creates a new charge for a repeated (customer, idempotency key). */
  | 'ignoresIdempotencyKey'
  /** Applies every updateCharge, whatever version the caller expected. */
  | 'ignoresVersion'
  /** Reads the version, awaits (a round trip), then writes: a read-modify-write race, not a CAS. */
  | 'readThenWrite'
  /** Takes `null` in a patch for "not named", so nextAction and reconcileAt never clear. */
  | 'nullKeeps'
  /** Appends the audit row even when the compare-and-set is lost. */
  | 'auditOnLostCas'
  /** Hands out and keeps the very objects, as a naive Map-based store does. */
  | 'liveReferences'
  /** Lists a customer's charges oldest first. */
  | 'listOldestFirst'
  /** Lists charges to reconcile whatever their status. */
  | 'reconcileIncludesSettled'
  /** Inserts the refund and its audit row, then tries the charge's compare-and-set: two steps, not one. */
  | 'nonAtomicCreateRefund'
  /** Checks the charge's version, awaits, then writes the refund and the hold. */
  | 'refundReadThenWrite'
  /** Applies the refund's patch, then tries the charge's compare-and-set, keeping the refund's either way. */
  | 'halfUpdateRefund'
  /** Lists processing refunds to reconcile whatever their reconcileAt. */
  | 'refundReconcileIgnoresTime'
  /** Lists audit rows in the order they were written, the refund's before its charge's at one time. */
  | 'auditInWriteOrder';

const DEFAULT_LIMIT = 100;

/** A small in-memory ChargeStore that keeps every rule of the port, unless told to break one. */
export class DefectiveChargeStore implements ChargeStore {
  readonly #charges = new Map<string, ChargeRecord>();
  readonly #refunds = new Map<string, RefundRecord>();
  readonly #audit: ChargeAuditEntry[] = [];

  constructor(readonly defect?: ChargeStoreDefect) {}

  async createCharge(
    record: ChargeRecord,
    audit: ChargeAuditEntry,
  ): Promise<{ created: boolean; record: ChargeRecord }> {
    const existing = [...this.#charges.values()].find(
      (stored) =>
        this.defect !== 'ignoresIdempotencyKey' &&
        stored.customerId === record.customerId &&
        stored.idempotencyKey === record.idempotencyKey,
    );
    if (existing) return { created: false, record: this.#out(existing) };
    const stored = this.#in(record);
    if (this.defect === 'failureDatesAsStrings' && stored.failure) {
      // What comes back from a JSON column that nobody revives: dates as ISO strings.
      Reflect.set(stored, 'failure', JSON.parse(JSON.stringify(stored.failure)));
    }
    this.#charges.set(record.id, stored);
    this.#audit.push(this.#in(audit));
    return { created: true, record: this.#out(stored) };
  }

  async getCharge(id: string): Promise<ChargeRecord | undefined> {
    return this.#maybe(this.#charges.get(id));
  }

  async findChargeByIdempotencyKey(customerId: string, key: string): Promise<ChargeRecord | undefined> {
    return this.#maybe(
      [...this.#charges.values()].find(
        (record) => record.customerId === customerId && record.idempotencyKey === key,
      ),
    );
  }

  async listCharges(filter: ChargeFilter): Promise<ChargeRecord[]> {
    const direction = this.defect === 'listOldestFirst' ? 1 : -1;
    return [...this.#charges.values()]
      .filter(
        (record) =>
          (filter.customerId === undefined || record.customerId === filter.customerId) &&
          (filter.cardId === undefined || record.card.id === filter.cardId) &&
          (filter.since === undefined || record.createdAt >= filter.since),
      )
      .sort((a, b) => direction * (a.createdAt.getTime() - b.createdAt.getTime()))
      .slice(0, filter.limit ?? DEFAULT_LIMIT)
      .map((record) => this.#out(record));
  }

  async updateCharge(id: string, cas: ChargeCas): Promise<ChargeUpdateResult> {
    const seen = this.#charges.get(id);
    if (this.defect === 'readThenWrite') await new Promise((resolve) => setImmediate(resolve));
    if (!seen || !this.#versionMatches(seen, cas.expectedVersion)) {
      if (seen && cas.audit && this.defect === 'auditOnLostCas') this.#audit.push(this.#in(cas.audit));
      return { ok: false, current: this.#maybe(seen) };
    }
    return { ok: true, record: this.#out(this.#applyCharge(seen, cas)) };
  }

  async listChargesToReconcile(now: Date, limit: number): Promise<ChargeRecord[]> {
    return [...this.#charges.values()]
      .filter((record) => this.defect === 'reconcileIncludesSettled' || !isChargeSettled(record.status))
      .filter((record) => record.reconcileAt !== undefined && record.reconcileAt <= now)
      .sort((a, b) => (a.reconcileAt?.getTime() ?? 0) - (b.reconcileAt?.getTime() ?? 0))
      .slice(0, limit)
      .map((record) => this.#out(record));
  }

  async createRefund(
    refund: RefundRecord,
    audit: ChargeAuditEntry,
    charge: ChargeCas,
  ): ReturnType<ChargeStore['createRefund']> {
    const existing = [...this.#refunds.values()].find(
      (stored) => stored.chargeId === refund.chargeId && stored.idempotencyKey === refund.idempotencyKey,
    );
    if (existing) return { created: false, refund: this.#out(existing) };
    if (this.defect === 'nonAtomicCreateRefund') {
      this.#refunds.set(refund.id, this.#in(refund));
      this.#audit.push(this.#in(audit));
    }
    const seen = this.#charges.get(refund.chargeId);
    if (this.defect === 'refundReadThenWrite') await new Promise((resolve) => setImmediate(resolve));
    if (!seen || !this.#versionMatches(seen, charge.expectedVersion)) {
      return { conflict: true, charge: this.#maybe(seen) };
    }
    const updated = this.#applyCharge(seen, charge);
    if (this.defect !== 'nonAtomicCreateRefund') {
      this.#refunds.set(refund.id, this.#in(refund));
      this.#audit.push(this.#in(audit));
    }
    return { created: true, refund: this.#out(refund), charge: this.#out(updated) };
  }

  async getRefund(id: string): Promise<RefundRecord | undefined> {
    return this.#maybe(this.#refunds.get(id));
  }

  async listRefunds(chargeId: string): Promise<RefundRecord[]> {
    return [...this.#refunds.values()]
      .filter((refund) => refund.chargeId === chargeId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((refund) => this.#out(refund));
  }

  async updateRefund(
    id: string,
    input: Parameters<ChargeStore['updateRefund']>[1],
  ): Promise<RefundUpdateResult> {
    const current = this.#refunds.get(id);
    const chargeId = input.charge?.id ?? current?.chargeId;
    const currentCharge = chargeId === undefined ? undefined : this.#charges.get(chargeId);
    const refundFits = current !== undefined && current.version === input.expectedVersion;
    if (refundFits && this.defect === 'halfUpdateRefund') this.#applyRefund(current, input);
    const chargeFits =
      input.charge === undefined ||
      (currentCharge !== undefined && currentCharge.version === input.charge.expectedVersion);
    if (!current || !refundFits || !chargeFits) {
      return { ok: false, refund: this.#maybe(this.#refunds.get(id)), charge: this.#maybe(currentCharge) };
    }
    const refund = this.defect === 'halfUpdateRefund' ? current : this.#applyRefund(current, input);
    if (!input.charge || !currentCharge)
      return { ok: true, refund: this.#out(this.#refunds.get(id) ?? refund) };
    const charge = this.#applyCharge(currentCharge, input.charge);
    return { ok: true, refund: this.#out(this.#refunds.get(id) ?? refund), charge: this.#out(charge) };
  }

  async listRefundsToReconcile(now: Date, limit: number): Promise<RefundRecord[]> {
    return [...this.#refunds.values()]
      .filter((refund) => refund.status === 'processing' && refund.reconcileAt !== undefined)
      .filter((refund) => this.defect === 'refundReconcileIgnoresTime' || (refund.reconcileAt ?? now) <= now)
      .sort((a, b) => (a.reconcileAt?.getTime() ?? 0) - (b.reconcileAt?.getTime() ?? 0))
      .slice(0, limit)
      .map((refund) => this.#out(refund));
  }

  async listChargeAudit(chargeId: string): Promise<ChargeAuditEntry[]> {
    const order = (entry: ChargeAuditEntry): [number, string, number] => [
      entry.at.getTime(),
      entry.subject,
      entry.version,
    ];
    const rows = this.#audit.filter((entry) => entry.chargeId === chargeId);
    if (this.defect === 'auditInWriteOrder') return rows.map((entry) => this.#out(entry));
    return rows
      .sort((a, b) => {
        const [atA, subjectA, versionA] = order(a);
        const [atB, subjectB, versionB] = order(b);
        return atA - atB || (subjectA < subjectB ? -1 : subjectA > subjectB ? 1 : 0) || versionA - versionB;
      })
      .map((entry) => this.#out(entry));
  }

  #versionMatches(record: ChargeRecord, expectedVersion: number): boolean {
    return this.defect === 'ignoresVersion' || record.version === expectedVersion;
  }

  #applyCharge(record: ChargeRecord, cas: ChargeCas): ChargeRecord {
    const next = chargeAfter(this.#in(record), this.#in(cas.patch), this.defect !== 'nullKeeps');
    this.#charges.set(record.id, next);
    if (cas.audit) this.#audit.push(this.#in(cas.audit));
    return next;
  }

  #applyRefund(record: RefundRecord, input: { patch: RefundPatch; audit?: ChargeAuditEntry }): RefundRecord {
    const patch = this.#in(input.patch);
    const next = this.#in(record);
    next.version = record.version + 1;
    next.updatedAt = patch.updatedAt;
    if (patch.status !== undefined) next.status = patch.status;
    if (patch.providerRef !== undefined) next.providerRef = patch.providerRef;
    if (patch.failure !== undefined) next.failure = patch.failure;
    if (patch.reconcileAttempts !== undefined) next.reconcileAttempts = patch.reconcileAttempts;
    if (patch.reconcileAt === null) {
      if (this.defect !== 'nullKeeps') delete next.reconcileAt;
    } else if (patch.reconcileAt !== undefined) next.reconcileAt = patch.reconcileAt;
    this.#refunds.set(record.id, next);
    if (input.audit) this.#audit.push(this.#in(input.audit));
    return next;
  }

  /** What the store keeps of a value it is given. */
  #in<T>(value: T): T {
    return this.defect === 'liveReferences' ? value : structuredClone(value);
  }

  /** What the store hands out of a value it keeps. */
  #out<T>(value: T): T {
    return this.defect === 'liveReferences' ? value : structuredClone(value);
  }

  #maybe<T>(value: T | undefined): T | undefined {
    return value === undefined ? undefined : this.#out(value);
  }
}

/** `record` with `patch` applied; `clears: false` takes a `null` for "not named". */
function chargeAfter(record: ChargeRecord, patch: ChargePatch, clears: boolean): ChargeRecord {
  const next = record;
  next.version = record.version + 1;
  next.updatedAt = patch.updatedAt;
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.providerRef !== undefined) next.providerRef = patch.providerRef;
  if (patch.failure !== undefined) next.failure = patch.failure;
  if (patch.refundedMinor !== undefined) next.refundedMinor = patch.refundedMinor;
  if (patch.refundingMinor !== undefined) next.refundingMinor = patch.refundingMinor;
  if (patch.reconcileAttempts !== undefined) next.reconcileAttempts = patch.reconcileAttempts;
  if (patch.nextAction === null) {
    if (clears) delete next.nextAction;
  } else if (patch.nextAction !== undefined) next.nextAction = patch.nextAction;
  if (patch.reconcileAt === null) {
    if (clears) delete next.reconcileAt;
  } else if (patch.reconcileAt !== undefined) next.reconcileAt = patch.reconcileAt;
  return next;
}
