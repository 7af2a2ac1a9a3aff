import type { SavedCard } from '../card.js';
import type { BindingRecord } from '../binding/binding.js';
import type { BindingPatch } from '../binding/state.js';

export type UpdateResult =
  { ok: true; record: BindingRecord; card?: SavedCard } | { ok: false; current: BindingRecord | undefined };

export type CreateResult =
  { created: true; record: BindingRecord } | { created: false; record: BindingRecord };

/**
 * Where bindings and saved cards live. Implementations must make `update` a compare-and-set on
 * `version` and store the card in the same atomic step, so racing callers save exactly one card.
 */
export interface BindingStore {
  /**
   * Inserts a new binding. When a binding with the same (customer, idempotencyKey) exists, returns it
   * unchanged with `created: false`.
   */
  create(record: BindingRecord): Promise<CreateResult>;
  get(id: string): Promise<BindingRecord | undefined>;
  findByIdempotencyKey(customerId: string, idempotencyKey: string): Promise<BindingRecord | undefined>;
  findByLookupKey(provider: string, lookupKey: string): Promise<BindingRecord | undefined>;
  /**
   * Applies `patch` if the stored version equals `expectedVersion`, bumping the version. With `card`, also
   * saves the card — unless one with the same (provider, customer, token) exists, in which case the
   * existing card is kept, returned, and becomes the binding's `card`.
   */
  update(id: string, expectedVersion: number, patch: BindingPatch, card?: SavedCard): Promise<UpdateResult>;
  listCards(customerId: string): Promise<SavedCard[]>;
  getCard(cardId: string): Promise<SavedCard | undefined>;
  removeCard(cardId: string): Promise<boolean>;
}
