import { randomBytes, randomUUID } from 'node:crypto';
import {
  Secret,
  type AuditEntry,
  type BindingRecord,
  type BindingStatus,
  type SavedCard,
} from '@cardbind/core';
import type { TokenKeysInput } from '../../src/index.js';

/** A fresh AES/HMAC key as a host would configure it: 32 random bytes, base64, in a Secret. */
export function newKey(): { secret: Secret; base64: string; hex: string } {
  const bytes = randomBytes(32);
  return {
    secret: new Secret(bytes.toString('base64')),
    base64: bytes.toString('base64'),
    hex: bytes.toString('hex'),
  };
}

export interface TestKeys {
  config: TokenKeysInput;
  /** Every key's text, to search a database dump for. */
  material: string[];
}

/** Keys with ids `ids`, the last one current, plus a fingerprint key. */
export function testKeys(ids: readonly string[] = ['k1']): TestKeys {
  const keys: Record<string, Secret> = {};
  const material: string[] = [];
  for (const id of ids) {
    const key = newKey();
    keys[id] = key.secret;
    material.push(key.base64, key.hex);
  }
  const fingerprint = newKey();
  material.push(fingerprint.base64, fingerprint.hex);
  return { config: { currentKeyId: ids.at(-1) ?? 'k1', keys, fingerprintKey: fingerprint.secret }, material };
}

/** The same keys with another current key: what a host configures while rotating. */
export function withCurrent(keys: TestKeys, currentKeyId: string): TestKeys {
  return { ...keys, config: { ...keys.config, currentKeyId } };
}

const T0 = new Date('2026-12-01T10:00:00.000Z');

export function bindingRecord(overrides: Partial<BindingRecord> = {}): BindingRecord {
  const id = overrides.id ?? `b_${randomUUID()}`;
  return {
    id,
    version: 0,
    provider: 'payture',
    customer: { id: `customer-${randomUUID()}`, email: 'buyer@example.com', ip: '203.0.113.7' },
    status: 'requires_action',
    nextAction: { type: 'redirect', url: 'https://pay.example/session/abc', method: 'GET' },
    providerRef: { sessionId: `s-${id}`, cardsBeforeInit: [] },
    lookupKeys: [`session-${id}`],
    metadata: { order: '42' },
    createdAt: T0,
    updatedAt: T0,
    expiresAt: new Date(T0.getTime() + 30 * 60_000),
    ...overrides,
  };
}

export function creationAudit(record: BindingRecord): AuditEntry {
  return {
    bindingId: record.id,
    version: 0,
    from: null,
    to: record.status,
    trigger: 'start',
    at: record.createdAt,
  };
}

export function transitionAudit(
  record: BindingRecord,
  to: BindingStatus,
  extra: Partial<AuditEntry> = {},
): AuditEntry {
  return {
    bindingId: record.id,
    version: record.version + 1,
    from: record.status,
    to,
    trigger: 'return',
    at: new Date(record.updatedAt.getTime() + 1_000),
    ...extra,
  };
}

/** A card token shaped like a Payture CardId: unique per call, easy to search for. */
export function newToken(): string {
  return `tok-${randomUUID()}`;
}

export function savedCard(
  record: BindingRecord,
  token: string,
  overrides: Partial<SavedCard> = {},
): SavedCard {
  return {
    id: `card_${randomUUID()}`,
    provider: record.provider,
    customerId: record.customer.id,
    bindingId: record.id,
    token,
    display: { maskedPan: '411111******1111', expiry: '12/30', holder: 'IVAN IVANOV', brand: 'VISA' },
    createdAt: new Date(record.updatedAt.getTime() + 1_000),
    ...overrides,
  };
}
