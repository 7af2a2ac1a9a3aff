import { randomBytes } from 'node:crypto';
import {
  type AuditEntry,
  type BindingPatch,
  type BindingRecord,
  type Customer,
  type NewWorkItem,
  type SavedCard,
  type TransitionTrigger,
  toCardView,
} from '@cardbind/core';

export const CONTRACT_PROVIDER = 'contractpay';
export const OTHER_PROVIDER = 'otherpay';

/** A compare-and-set as the service would issue it, and the record the store must hold afterwards. */
export interface PlannedUpdate {
  expectedVersion: number;
  patch: BindingPatch;
  audit: AuditEntry;
  /** `record` with the patch applied and the version bumped (a saved card is added by `withCard`). */
  expected: BindingRecord;
}

// Milliseconds that are not round, so a store that keeps whole seconds (or rounds) is caught.
const BASE_MS = Date.UTC(2026, 11, 1, 10, 11, 12, 345);

/**
 * Records, cards and audit rows for one case. Every id carries a random run prefix, so cases never
 * collide even when a factory hands all of them one shared database.
 */
export class StoreFixtures {
  readonly run = randomBytes(5).toString('hex');
  #sequence = 0;

  /** A distinct instant with a ms part: the n-th step after the base time. */
  at(step: number): Date {
    return new Date(BASE_MS + step * 1_001 + (step % 7) * 111);
  }

  customer(name = 'a'): Customer {
    return {
      id: `cust_${this.run}_${name}`,
      email: `${name}@example.test`,
      phone: '79001234567',
      ip: '127.0.0.1',
    };
  }

  /** An open binding with every optional field set, nested JSON in its ref and non-ASCII metadata. */
  binding(overrides: Partial<BindingRecord> = {}): BindingRecord {
    const id = `bnd_${this.run}_${++this.#sequence}`;
    const orderId = `ord_${id}`;
    return {
      id,
      version: 0,
      provider: CONTRACT_PROVIDER,
      customer: this.customer(),
      status: 'requires_action',
      nextAction: {
        type: 'form',
        url: 'https://pay.example.test/form',
        method: 'POST',
        processor: { name: 'ContractPay', homepage: 'https://pay.example.test' },
        orderId,
        termUrl: 'https://host.example.test/return',
        params: [
          { name: 'OrderId', value: orderId },
          { name: 'CardNumber', value: '', substitute: 'cardNumber' },
        ],
      },
      providerRef: { orderId, session: { attempt: 1, flags: [true, null], amount: 1.5 } },
      lookupKeys: [orderId, `sess_${id}`],
      idempotencyKey: `idem_${id}`,
      returnUrl: 'https://host.example.test/return?binding=1',
      metadata: { order: '42', note: 'привязка карты «тест»' },
      createdAt: this.at(0),
      updatedAt: this.at(0),
      expiresAt: this.at(3_600),
      ...overrides,
    };
  }

  creationAudit(record: BindingRecord): AuditEntry {
    return {
      bindingId: record.id,
      version: 0,
      from: null,
      to: record.status,
      trigger: 'start',
      at: record.createdAt,
      requestId: `req_${record.id}`,
      sourceAddress: '203.0.113.7',
    };
  }

  /** The next compare-and-set on `record`: to `changes.status` (default processing) at step `step`. */
  update(
    record: BindingRecord,
    changes: Partial<BindingPatch> = {},
    options: { step?: number; trigger?: TransitionTrigger } = {},
  ): PlannedUpdate {
    const patch: BindingPatch = {
      status: 'processing',
      updatedAt: this.at(options.step ?? record.version + 1),
      ...changes,
    };
    const audit: AuditEntry = {
      bindingId: record.id,
      version: record.version + 1,
      from: record.status,
      to: patch.status,
      trigger: options.trigger ?? 'poll',
      at: patch.updatedAt,
    };
    if (patch.failure) {
      audit.failureCode = patch.failure.code;
      if (patch.failure.providerCode !== undefined) audit.providerCode = patch.failure.providerCode;
    }
    return {
      expectedVersion: record.version,
      patch,
      audit,
      expected: { ...record, ...patch, version: record.version + 1 },
    };
  }

  /**
   * A listener event for `record`, due at its last change, with nested, non-ASCII JSON in its payload
   * (what a binding snapshot holds) so a store that mangles jsonb is caught.
   */
  workItem(record: BindingRecord, overrides: Partial<NewWorkItem> = {}): NewWorkItem {
    const id = `wrk_${this.run}_${++this.#sequence}`;
    return {
      id,
      kind: 'binding.event',
      bindingId: record.id,
      payload: {
        from: null,
        to: record.status,
        binding: { id: record.id, metadata: { note: 'событие «тест»' } },
        flags: [true, null, 1.5],
      },
      runAt: record.updatedAt,
      deadline: this.at(86_400),
      ...overrides,
    };
  }

  card(record: BindingRecord, token = `tok_${record.id}`, overrides: Partial<SavedCard> = {}): SavedCard {
    return {
      id: `card_${this.run}_${++this.#sequence}`,
      provider: record.provider,
      customerId: record.customer.id,
      bindingId: record.id,
      token,
      display: { maskedPan: '500000******0001', holder: 'IVAN IVANOV', expiry: '12/29', brand: 'Mastercard' },
      createdAt: this.at(7),
      ...overrides,
    };
  }
}

/** The record a winning update with `card` leaves: the binding shows the card that was kept. */
export function withCard(record: BindingRecord, kept: SavedCard): BindingRecord {
  return { ...record, card: toCardView(kept) };
}
