import { randomUUID } from 'node:crypto';
import type { ChargeAuditEntry, ChargeRecord, RefundRecord } from '@cardbind/core';

const T0 = new Date('2026-12-01T10:00:00.000Z');

/** A charge as the service creates it: processing, its order id fixed, the card as the host sees it. */
export function chargeRecord(overrides: Partial<ChargeRecord> = {}): ChargeRecord {
  const id = overrides.id ?? `c_${randomUUID()}`;
  const customerId = overrides.customerId ?? `customer-${randomUUID()}`;
  return {
    id,
    version: 0,
    provider: 'payture',
    customerId,
    card: {
      id: `card_${randomUUID()}`,
      provider: 'payture',
      customerId,
      bindingId: `b_${randomUUID()}`,
      display: { maskedPan: '411111******1111', expiry: '12/30', holder: 'IVAN IVANOV', brand: 'VISA' },
      createdAt: T0,
    },
    amount: { minor: 150_099, currency: 'RUB' },
    metadata: { order: '42' },
    idempotencyKey: `key-${id}`,
    requestHash: `hash-${id}`,
    orderId: `order-${id}`,
    status: 'processing',
    providerRef: { orderId: `order-${id}` },
    refundedMinor: 0,
    refundingMinor: 0,
    providerOptions: {},
    reconcileAt: new Date(T0.getTime() + 60_000),
    reconcileAttempts: 0,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

export function chargeCreationAudit(record: ChargeRecord): ChargeAuditEntry {
  return {
    chargeId: record.id,
    subject: 'charge',
    subjectId: record.id,
    version: record.version,
    from: null,
    to: record.status,
    trigger: 'charge',
    at: record.createdAt,
  };
}

export function refundRecord(charge: ChargeRecord, overrides: Partial<RefundRecord> = {}): RefundRecord {
  const id = overrides.id ?? `r_${randomUUID()}`;
  return {
    id,
    version: 0,
    chargeId: charge.id,
    customerId: charge.customerId,
    amount: { minor: 10_000, currency: charge.amount.currency },
    idempotencyKey: `key-${id}`,
    requestHash: `hash-${id}`,
    status: 'processing',
    providerRef: {},
    reconcileAt: new Date(T0.getTime() + 120_000),
    reconcileAttempts: 0,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

export function refundCreationAudit(refund: RefundRecord): ChargeAuditEntry {
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
