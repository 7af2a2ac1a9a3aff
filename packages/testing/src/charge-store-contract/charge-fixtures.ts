import { randomBytes } from 'node:crypto';
import type {
  CardView,
  ChargeAuditEntry,
  ChargeCas,
  ChargePatch,
  ChargeRecord,
  ChargeTrigger,
  RefundPatch,
  RefundRecord,
} from '@cardbind/core';

export const CHARGE_PROVIDER = 'contractpay';

/** A compare-and-set on a charge as the service would issue it, and the charge the store must hold afterwards. */
export interface PlannedChargeUpdate {
  cas: ChargeCas;
  expected: ChargeRecord;
}

/** A compare-and-set on a refund, and the refund the store must hold afterwards. */
export interface PlannedRefundUpdate {
  expectedVersion: number;
  patch: RefundPatch;
  audit?: ChargeAuditEntry;
  expected: RefundRecord;
}

interface UpdateOptions {
  step?: number;
  trigger?: ChargeTrigger;
  /** false: a step that changes no status writes no audit row (a claim, a held amount). */
  audit?: boolean;
}

// Milliseconds that are not round, so a store that keeps whole seconds (or rounds) is caught.
const BASE_MS = Date.UTC(2026, 11, 1, 10, 11, 12, 345);

/**
 * Charges, refunds and audit rows for one case. Every id carries a random run prefix, so cases never
 * collide even when a factory hands all of them one shared database.
 */
export class ChargeFixtures {
  readonly run = randomBytes(5).toString('hex');
  #sequence = 0;

  /** A distinct instant with a ms part: the n-th step after the base time. */
  at(step: number): Date {
    return new Date(BASE_MS + step * 1_001 + (step % 7) * 111);
  }

  customerId(name = 'a'): string {
    return `cust_${this.run}_${name}`;
  }

  /** A saved card as a charge shows it: no token. */
  card(customerId: string, name = 'main'): CardView {
    return {
      id: `card_${this.run}_${name}`,
      provider: CHARGE_PROVIDER,
      customerId,
      bindingId: `bnd_${this.run}_${name}`,
      display: { maskedPan: '500000******0001', holder: 'IVAN IVANOV', expiry: '12/29', brand: 'Mastercard' },
      createdAt: this.at(-10),
    };
  }

  /** An open charge waiting for the customer, with every optional field a charge in that state has. */
  charge(overrides: Partial<ChargeRecord> = {}): ChargeRecord {
    const id = `chg_${this.run}_${++this.#sequence}`;
    const orderId = `ord_${id}`;
    const customerId = overrides.customerId ?? this.customerId();
    return {
      id,
      version: 0,
      provider: CHARGE_PROVIDER,
      customerId,
      card: this.card(customerId),
      amount: { minor: 150_099, currency: 'RUB' },
      description: 'Заказ №42 «тест»',
      metadata: { order: '42', note: 'оплата «тест»' },
      idempotencyKey: `idem_${id}`,
      requestHash: `hash_${id}`,
      orderId,
      status: 'requires_action',
      providerRef: { orderId, session: { attempt: 1, flags: [true, null], amount: 1.5 } },
      nextAction: {
        type: 'form',
        url: 'https://pay.example.test/acs',
        method: 'POST',
        processor: { name: 'ContractPay', homepage: 'https://pay.example.test' },
        orderId,
        termUrl: 'https://host.example.test/charges/return',
        params: [
          { name: 'PaReq', value: 'eJzLSM3JyVcozy/KSQEAGgQEXQ==' },
          { name: 'MD', value: `md_${id}` },
        ],
      },
      refundedMinor: 0,
      refundingMinor: 0,
      returnUrl: 'https://host.example.test/charges/return?charge=1',
      providerOptions: { flow: 'relay' },
      reconcileAt: this.at(600),
      reconcileAttempts: 0,
      createdAt: this.at(0),
      updatedAt: this.at(0),
      ...overrides,
    };
  }

  /** A settled, paid charge: what a refund is taken from. */
  succeededCharge(overrides: Partial<ChargeRecord> = {}): ChargeRecord {
    const { nextAction: _nextAction, reconcileAt: _reconcileAt, ...paid } = this.charge(overrides);
    return { ...paid, status: 'succeeded', amount: { minor: 100_000, currency: 'RUB' }, ...overrides };
  }

  creationAudit(record: ChargeRecord): ChargeAuditEntry {
    return {
      chargeId: record.id,
      subject: 'charge',
      subjectId: record.id,
      version: record.version,
      from: null,
      to: record.status,
      trigger: 'charge',
      at: record.createdAt,
      requestId: `req_${record.id}`,
      sourceAddress: '203.0.113.7',
    };
  }

  /** The next compare-and-set on `record`, at step `step` (default: its version + 1). */
  update(
    record: ChargeRecord,
    changes: Partial<ChargePatch> = {},
    options: UpdateOptions = {},
  ): PlannedChargeUpdate {
    const patch: ChargePatch = { updatedAt: this.at(options.step ?? record.version + 1), ...changes };
    const cas: PlannedChargeUpdate['cas'] = { expectedVersion: record.version, patch };
    if (options.audit !== false) {
      const audit: ChargeAuditEntry = {
        chargeId: record.id,
        subject: 'charge',
        subjectId: record.id,
        version: record.version + 1,
        from: record.status,
        to: patch.status ?? record.status,
        trigger: options.trigger ?? 'refresh',
        at: patch.updatedAt,
      };
      if (patch.failure) {
        audit.failureCode = patch.failure.code;
        if (patch.failure.providerCode !== undefined) audit.providerCode = patch.failure.providerCode;
      }
      cas.audit = audit;
    }
    return { cas, expected: chargeAfter(record, patch) };
  }

  /** A refund of `minor` from `charge`, processing, with nested JSON in its ref. */
  refund(charge: ChargeRecord, overrides: Partial<RefundRecord> = {}): RefundRecord {
    const id = `rfd_${this.run}_${++this.#sequence}`;
    return {
      id,
      version: 0,
      chargeId: charge.id,
      customerId: charge.customerId,
      amount: { minor: 10_000, currency: charge.amount.currency },
      idempotencyKey: `ridem_${id}`,
      requestHash: `rhash_${id}`,
      status: 'processing',
      providerRef: { refundOf: charge.orderId, attempt: { n: 1, notes: ['возврат', null] } },
      reconcileAt: this.at(900),
      reconcileAttempts: 0,
      createdAt: this.at(5),
      updatedAt: this.at(5),
      ...overrides,
    };
  }

  refundCreationAudit(refund: RefundRecord): ChargeAuditEntry {
    return {
      chargeId: refund.chargeId,
      subject: 'refund',
      subjectId: refund.id,
      version: refund.version,
      from: null,
      to: refund.status,
      trigger: 'refund',
      at: refund.createdAt,
    };
  }

  /** The hold a new refund places on its charge: its amount moves into `refundingMinor`. */
  hold(charge: ChargeRecord, refund: RefundRecord, options: UpdateOptions = {}): PlannedChargeUpdate {
    return this.update(
      charge,
      { refundingMinor: charge.refundingMinor + refund.amount.minor, updatedAt: refund.createdAt },
      { audit: false, trigger: 'refund', ...options },
    );
  }

  refundUpdate(
    refund: RefundRecord,
    changes: Partial<RefundPatch> = {},
    options: UpdateOptions = {},
  ): PlannedRefundUpdate {
    const patch: RefundPatch = { updatedAt: this.at(options.step ?? refund.version + 20), ...changes };
    const planned: PlannedRefundUpdate = {
      expectedVersion: refund.version,
      patch,
      expected: refundAfter(refund, patch),
    };
    if (options.audit !== false) {
      planned.audit = {
        chargeId: refund.chargeId,
        subject: 'refund',
        subjectId: refund.id,
        version: refund.version + 1,
        from: refund.status,
        to: patch.status ?? refund.status,
        trigger: options.trigger ?? 'refund',
        at: patch.updatedAt,
      };
      if (patch.failure) {
        planned.audit.failureCode = patch.failure.code;
        if (patch.failure.providerCode !== undefined) planned.audit.providerCode = patch.failure.providerCode;
      }
    }
    return planned;
  }
}

/**
 * The charge a winning compare-and-set leaves, by the port's rule: set fields replace, `null` clears
 * (nextAction, reconcileAt), absent fields stay, the version grows by one.
 */
export function chargeAfter(record: ChargeRecord, patch: ChargePatch): ChargeRecord {
  const next = structuredClone(record);
  next.version = record.version + 1;
  next.updatedAt = new Date(patch.updatedAt);
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.providerRef !== undefined) next.providerRef = structuredClone(patch.providerRef);
  if (patch.failure !== undefined) next.failure = structuredClone(patch.failure);
  if (patch.refundedMinor !== undefined) next.refundedMinor = patch.refundedMinor;
  if (patch.refundingMinor !== undefined) next.refundingMinor = patch.refundingMinor;
  if (patch.reconcileAttempts !== undefined) next.reconcileAttempts = patch.reconcileAttempts;
  if (patch.nextAction === null) delete next.nextAction;
  else if (patch.nextAction !== undefined) next.nextAction = structuredClone(patch.nextAction);
  if (patch.reconcileAt === null) delete next.reconcileAt;
  else if (patch.reconcileAt !== undefined) next.reconcileAt = new Date(patch.reconcileAt);
  return next;
}

/** The refund a winning compare-and-set leaves (the same rule as chargeAfter). */
export function refundAfter(record: RefundRecord, patch: RefundPatch): RefundRecord {
  const next = structuredClone(record);
  next.version = record.version + 1;
  next.updatedAt = new Date(patch.updatedAt);
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.providerRef !== undefined) next.providerRef = structuredClone(patch.providerRef);
  if (patch.failure !== undefined) next.failure = structuredClone(patch.failure);
  if (patch.reconcileAttempts !== undefined) next.reconcileAttempts = patch.reconcileAttempts;
  if (patch.reconcileAt === null) delete next.reconcileAt;
  else if (patch.reconcileAt !== undefined) next.reconcileAt = new Date(patch.reconcileAt);
  return next;
}
