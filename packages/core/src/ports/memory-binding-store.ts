import { type SavedCard, toCardView } from '../card.js';
import type { BindingRecord } from '../binding/binding.js';
import { CardBindingError } from '../errors.js';
import type { BindingPatch } from '../binding/state.js';
import type { BindingStore, CreateResult, UpdateResult } from './binding-store.js';

/**
 * The default store. Single-process only: its compare-and-set holds within one Node process, and
 * everything is lost on restart. Production hosts bind their own BindingStore on a database.
 *
 * Every method is synchronous inside, so each call is atomic with respect to the event loop. Records
 * go in and come out as copies, as with a database: a caller mutating what it got changes nothing here.
 */
export class InMemoryBindingStore implements BindingStore {
  readonly #bindings = new Map<string, BindingRecord>();
  readonly #byIdempotencyKey = new Map<string, string>();
  readonly #byLookupKey = new Map<string, string>();
  readonly #cards = new Map<string, SavedCard>();
  readonly #cardByToken = new Map<string, string>();

  async create(record: BindingRecord): Promise<CreateResult> {
    const idempotencyKey =
      record.idempotencyKey === undefined
        ? undefined
        : idempotencyIndexKey(record.customer.id, record.idempotencyKey);
    if (idempotencyKey !== undefined) {
      const existingId = this.#byIdempotencyKey.get(idempotencyKey);
      const existing = existingId === undefined ? undefined : this.#bindings.get(existingId);
      if (existing) return { created: false, record: structuredClone(existing) };
    }
    // Checked before any index is written, so a refused record leaves no key pointing at another binding.
    if (this.#bindings.has(record.id)) {
      // A fresh start draws a fresh id, so the caller may simply try again.
      throw new CardBindingError('INVALID_STATE', `Binding id collision: ${record.id}`, { retryable: true });
    }
    if (idempotencyKey !== undefined) this.#byIdempotencyKey.set(idempotencyKey, record.id);
    this.#bindings.set(record.id, structuredClone(record));
    for (const lookupKey of record.lookupKeys)
      this.#byLookupKey.set(lookupIndexKey(record.provider, lookupKey), record.id);
    return { created: true, record: structuredClone(record) };
  }

  async get(id: string): Promise<BindingRecord | undefined> {
    return copy(this.#bindings.get(id));
  }

  async findByIdempotencyKey(customerId: string, idempotencyKey: string): Promise<BindingRecord | undefined> {
    const id = this.#byIdempotencyKey.get(idempotencyIndexKey(customerId, idempotencyKey));
    return id === undefined ? undefined : copy(this.#bindings.get(id));
  }

  async findByLookupKey(provider: string, lookupKey: string): Promise<BindingRecord | undefined> {
    const id = this.#byLookupKey.get(lookupIndexKey(provider, lookupKey));
    return id === undefined ? undefined : copy(this.#bindings.get(id));
  }

  async update(
    id: string,
    expectedVersion: number,
    patch: BindingPatch,
    card?: SavedCard,
  ): Promise<UpdateResult> {
    const current = this.#bindings.get(id);
    if (!current || current.version !== expectedVersion) return { ok: false, current: copy(current) };
    let savedCard: SavedCard | undefined;
    if (card) {
      const tokenKey = `${card.provider}\u0000${card.customerId}\u0000${card.token}`;
      const existingId = this.#cardByToken.get(tokenKey);
      savedCard = existingId === undefined ? undefined : this.#cards.get(existingId);
      if (!savedCard) {
        savedCard = card;
        this.#cards.set(card.id, card);
        this.#cardByToken.set(tokenKey, card.id);
      }
    }
    const record: BindingRecord = structuredClone({
      ...current,
      ...patch,
      ...(savedCard ? { card: toCardView(savedCard) } : {}),
      version: current.version + 1,
    });
    this.#bindings.set(id, record);
    const stored = structuredClone(record);
    return savedCard ? { ok: true, record: stored, card: { ...savedCard } } : { ok: true, record: stored };
  }

  async listCards(customerId: string): Promise<SavedCard[]> {
    return [...this.#cards.values()]
      .filter((card) => card.customerId === customerId)
      .map((card) => structuredClone(card));
  }

  async getCard(cardId: string): Promise<SavedCard | undefined> {
    return copy(this.#cards.get(cardId));
  }

  async removeCard(cardId: string): Promise<boolean> {
    const card = this.#cards.get(cardId);
    if (!card) return false;
    this.#cards.delete(cardId);
    this.#cardByToken.delete(`${card.provider}\u0000${card.customerId}\u0000${card.token}`);
    return true;
  }

  /** How many bindings are held; for benchmarks and diagnostics. */
  get size(): number {
    return this.#bindings.size;
  }
}

function idempotencyIndexKey(customerId: string, key: string): string {
  return `${customerId}\u0000${key}`;
}

function lookupIndexKey(provider: string, key: string): string {
  return `${provider}\u0000${key}`;
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}
