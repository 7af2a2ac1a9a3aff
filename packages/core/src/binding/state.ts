import type { CardBindingFailure } from '../errors.js';
import { CardBindingError } from '../errors.js';
import type { ProviderOutcome, ProviderRef } from '../provider.js';
import type { BindingRecord } from './binding.js';
import type { BindingStatus } from './status.js';

/**
 * The binding state machine, in one place.
 *
 *   requires_action ──► processing ──► succeeded
 *         │   ▲              │    └──► failed
 *         │   └─(new action)─┘    └──► expired
 *         └──────────────► succeeded | failed | expired
 *
 * Terminal states never change. A non-terminal state may "transition" to itself to record a new
 * provider ref or next action.
 */
const ALLOWED: Readonly<Record<BindingStatus, readonly BindingStatus[]>> = {
  requires_action: ['requires_action', 'processing', 'succeeded', 'failed', 'expired'],
  processing: ['processing', 'requires_action', 'succeeded', 'failed', 'expired'],
  succeeded: [],
  failed: [],
  expired: [],
};

export const TERMINAL_STATUSES: ReadonlySet<BindingStatus> = new Set(['succeeded', 'failed', 'expired']);

export function isTerminal(status: BindingStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function canTransition(from: BindingStatus, to: BindingStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(from: BindingStatus, to: BindingStatus): void {
  if (!canTransition(from, to)) {
    throw new CardBindingError('INVALID_STATE', `A binding cannot move from ${from} to ${to}`);
  }
}

/** The fields a transition may change; the store applies them with a compare-and-set on `version`. */
export interface BindingPatch {
  status: BindingStatus;
  nextAction?: BindingRecord['nextAction'];
  failure?: CardBindingFailure;
  providerRef?: ProviderRef;
  card?: BindingRecord['card'];
  /** The binding's lookup keys with the new ones an outcome added; the store indexes the additions. */
  lookupKeys?: string[];
  updatedAt: Date;
}

export interface TransitionInput {
  record: BindingRecord;
  outcome: ProviderOutcome;
  now: Date;
  /** The customer has come back from the provider's page: a pending answer means "processing". */
  customerReturned: boolean;
}

export type PlannedTransition =
  | { kind: 'none' }
  | { kind: 'patch'; patch: BindingPatch }
  | { kind: 'succeed'; patch: BindingPatch; outcome: Extract<ProviderOutcome, { status: 'succeeded' }> };

export const EXPIRED_FAILURE: CardBindingFailure = new CardBindingError(
  'BINDING_EXPIRED',
  'The customer did not complete the binding before its deadline',
).toFailure();

function mergeRef(current: ProviderRef, patch: ProviderRef | undefined): ProviderRef | undefined {
  if (!patch || Object.keys(patch).length === 0) return undefined;
  return { ...current, ...patch };
}

/**
 * Decides what a provider outcome does to a stored binding. Pure: the service performs the
 * compare-and-set, so racing callers all go through this same function.
 */
export function planTransition({
  record,
  outcome,
  now,
  customerReturned,
}: TransitionInput): PlannedTransition {
  if (isTerminal(record.status)) return { kind: 'none' };
  const providerRef = mergeRef(record.providerRef, outcome.providerRef);
  const lookupKeys = addedLookupKeys(
    record.lookupKeys,
    'lookupKeys' in outcome ? outcome.lookupKeys : undefined,
  );
  const base = {
    updatedAt: now,
    ...(providerRef ? { providerRef } : {}),
    ...(lookupKeys ? { lookupKeys } : {}),
  };

  switch (outcome.status) {
    case 'succeeded':
      return { kind: 'succeed', patch: { ...base, status: 'succeeded' }, outcome };
    case 'failed':
      return { kind: 'patch', patch: { ...base, status: 'failed', failure: outcome.error.toFailure() } };
    case 'requires_action':
      return { kind: 'patch', patch: { ...base, status: 'requires_action', nextAction: outcome.action } };
    case 'expired':
      return {
        kind: 'patch',
        patch: { ...base, status: 'expired', failure: outcome.error?.toFailure() ?? EXPIRED_FAILURE },
      };
    case 'pending': {
      if (now.getTime() >= record.expiresAt.getTime()) {
        return { kind: 'patch', patch: { ...base, status: 'expired', failure: EXPIRED_FAILURE } };
      }
      const status: BindingStatus =
        outcome.processing || customerReturned || record.status === 'processing'
          ? 'processing'
          : 'requires_action';
      if (status === record.status && !providerRef && !lookupKeys) return { kind: 'none' };
      return { kind: 'patch', patch: { ...base, status } };
    }
  }
}

/** The binding's keys plus the new ones, or undefined when nothing is new. */
function addedLookupKeys(
  current: readonly string[],
  added: readonly string[] | undefined,
): string[] | undefined {
  const fresh = (added ?? []).filter(
    (key, index, all) => !current.includes(key) && all.indexOf(key) === index,
  );
  return fresh.length === 0 ? undefined : [...current, ...fresh];
}

/** A binding past its deadline with no provider answer is expired. */
export function planExpiry(record: BindingRecord, now: Date): PlannedTransition {
  if (isTerminal(record.status) || now.getTime() < record.expiresAt.getTime()) return { kind: 'none' };
  return { kind: 'patch', patch: { status: 'expired', failure: EXPIRED_FAILURE, updatedAt: now } };
}
