import type { SavedCard } from '../card.js';
import type { AuditEntry } from '../audit/audit-entry.js';
import type { BindingRecord } from '../binding/binding.js';
import type { BindingPatch } from '../binding/state.js';
import type { NewWorkItem } from '../work/work-item.js';
import type { WorkQueue } from './work-queue.js';

export type UpdateResult =
  { ok: true; record: BindingRecord; card?: SavedCard } | { ok: false; current: BindingRecord | undefined };

export type CreateResult =
  { created: true; record: BindingRecord } | { created: false; record: BindingRecord };

/** What one compare-and-set writes besides the patch: the card it saves and the transition's audit row. */
export interface UpdateWrites {
  /** Saved in the same atomic step; an existing card with the same (provider, customer, token) wins. */
  card?: SavedCard;
  /** The audit row for this transition; its `version` is the record's version after the update. */
  audit: AuditEntry;
  /** Work the transition causes (listener events, after-steps), written in the same atomic step. */
  work?: readonly NewWorkItem[];
}

/**
 * Where bindings, saved cards, their history and the work their transitions cause live.
 * Implementations must make `update` a compare-and-set on `version` and store the card, the audit row
 * and the work items in the same atomic step, so racing callers save exactly one card, the history
 * never disagrees with the record, and no transition's work is lost or written twice. The store
 * contract suite (`describeBindingStoreContract` in `@cardbind/testing`) checks every rule.
 */
export interface BindingStore extends WorkQueue {
  /**
   * Inserts a new binding and its creation audit row. When a binding with the same (customer,
   * idempotencyKey) exists, returns it unchanged with `created: false` and writes no audit row.
   */
  create(record: BindingRecord, audit: AuditEntry, work?: readonly NewWorkItem[]): Promise<CreateResult>;
  get(id: string): Promise<BindingRecord | undefined>;
  findByIdempotencyKey(customerId: string, idempotencyKey: string): Promise<BindingRecord | undefined>;
  findByLookupKey(provider: string, lookupKey: string): Promise<BindingRecord | undefined>;
  /**
   * Applies `patch` if the stored version equals `expectedVersion`, bumping the version. With a card,
   * also saves the card — unless one with the same (provider, customer, token) exists, in which case the
   * existing card is kept, returned, and becomes the binding's `card`. A lost race writes nothing.
   */
  update(
    id: string,
    expectedVersion: number,
    patch: BindingPatch,
    writes: UpdateWrites,
  ): Promise<UpdateResult>;
  /** A binding's audit rows, oldest first. */
  listAudit(bindingId: string): Promise<AuditEntry[]>;
  listCards(customerId: string): Promise<SavedCard[]>;
  getCard(cardId: string): Promise<SavedCard | undefined>;
  removeCard(cardId: string): Promise<boolean>;
}
