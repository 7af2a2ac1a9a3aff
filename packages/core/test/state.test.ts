import { describe, expect, it } from 'vitest';
import {
  type BindingRecord,
  BindingStatus,
  CardBindingError,
  assertTransition,
  canTransition,
  planExpiry,
  planTransition,
  type ProviderOutcome,
} from '../src/index.js';

const ALL = BindingStatus.options;
const ALLOWED: Record<BindingStatus, BindingStatus[]> = {
  requires_action: ['requires_action', 'processing', 'succeeded', 'failed', 'expired'],
  processing: ['processing', 'requires_action', 'succeeded', 'failed', 'expired'],
  succeeded: [],
  failed: [],
  expired: [],
};

function record(status: BindingStatus, overrides: Partial<BindingRecord> = {}): BindingRecord {
  const at = new Date(Date.UTC(2026, 0, 1));
  return {
    id: 'bnd_1',
    version: 3,
    provider: 'p',
    customer: { id: 'c' },
    status,
    providerRef: { sessionId: 's' },
    lookupKeys: [],
    metadata: {},
    createdAt: at,
    updatedAt: at,
    expiresAt: new Date(at.getTime() + 60_000),
    ...overrides,
  };
}

describe('state machine', () => {
  for (const from of ALL) {
    for (const to of ALL) {
      const allowed = ALLOWED[from].includes(to);
      it(`${from} → ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(allowed);
        if (allowed) expect(() => assertTransition(from, to)).not.toThrow();
        else
          expect(() => assertTransition(from, to)).toThrowError(
            expect.objectContaining({ code: 'INVALID_STATE' }),
          );
      });
    }
  }

  it('planTransition and planExpiry only ever plan a transition the table allows', () => {
    const error = new CardBindingError('CARD_DECLINED', 'Declined');
    const outcomes: ProviderOutcome[] = [
      { status: 'pending' },
      { status: 'pending', processing: true },
      { status: 'pending', providerRef: { transactionId: '42' } },
      { status: 'succeeded', card: { token: 't', display: { maskedPan: '4111' } } },
      { status: 'failed', error },
      {
        status: 'requires_action',
        action: { type: 'redirect', url: 'https://pay.example.test/3ds', method: 'POST' },
        providerRef: {},
      },
    ];
    let planned = 0;
    for (const status of ALL) {
      for (const now of [new Date(Date.UTC(2026, 0, 1, 0, 0, 10)), new Date(Date.UTC(2026, 0, 1, 1))]) {
        for (const outcome of outcomes) {
          for (const customerReturned of [false, true]) {
            const plan = planTransition({ record: record(status), outcome, now, customerReturned });
            if (plan.kind === 'none') continue;
            planned++;
            expect(canTransition(status, plan.patch.status), `${status} → ${plan.patch.status}`).toBe(true);
          }
        }
        const expiry = planExpiry(record(status), now);
        if (expiry.kind !== 'none') expect(canTransition(status, expiry.patch.status)).toBe(true);
      }
    }
    expect(planned).toBeGreaterThan(20);
  });

  it('terminal records ignore every outcome', () => {
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, 30));
    for (const status of ['succeeded', 'failed', 'expired'] as const) {
      expect(
        planTransition({
          record: record(status),
          outcome: { status: 'pending' },
          now,
          customerReturned: true,
        }),
      ).toEqual({ kind: 'none' });
      expect(
        planTransition({
          record: record(status),
          outcome: { status: 'succeeded', card: { token: 't', display: { maskedPan: '4111' } } },
          now,
          customerReturned: false,
        }),
      ).toEqual({ kind: 'none' });
    }
  });

  it('pending past the deadline expires with BINDING_EXPIRED', () => {
    const late = new Date(Date.UTC(2026, 0, 1, 0, 2));
    const planned = planTransition({
      record: record('requires_action'),
      outcome: { status: 'pending' },
      now: late,
      customerReturned: false,
    });
    expect(planned).toMatchObject({
      kind: 'patch',
      patch: { status: 'expired', failure: { code: 'BINDING_EXPIRED' } },
    });
    expect(planExpiry(record('processing'), late)).toMatchObject({
      kind: 'patch',
      patch: { status: 'expired' },
    });
    expect(planExpiry(record('processing'), new Date(Date.UTC(2026, 0, 1)))).toEqual({ kind: 'none' });
  });

  it('merges a provider ref patch and keeps unchanged pending answers as no-ops', () => {
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, 10));
    expect(
      planTransition({
        record: record('requires_action'),
        outcome: { status: 'pending' },
        now,
        customerReturned: false,
      }),
    ).toEqual({ kind: 'none' });
    const planned = planTransition({
      record: record('requires_action'),
      outcome: { status: 'pending', processing: true, providerRef: { transactionId: '42' } },
      now,
      customerReturned: false,
    });
    expect(planned).toMatchObject({
      kind: 'patch',
      patch: { status: 'processing', providerRef: { sessionId: 's', transactionId: '42' } },
    });
  });

  it('a failed outcome stores only the safe failure fields', () => {
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, 10));
    const error = new CardBindingError('CARD_DECLINED', 'Declined', {
      providerCode: '3',
      cause: new Error('raw body'),
    });
    const planned = planTransition({
      record: record('processing'),
      outcome: { status: 'failed', error },
      now,
      customerReturned: false,
    });
    expect(planned).toEqual({
      kind: 'patch',
      patch: {
        status: 'failed',
        updatedAt: now,
        failure: { code: 'CARD_DECLINED', message: 'Declined', retryable: false, providerCode: '3' },
      },
    });
  });
});
