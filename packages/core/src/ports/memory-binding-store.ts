import { z } from 'zod';
import { type SavedCard, toCardView } from '../card.js';
import type { AuditEntry } from '../audit/audit-entry.js';
import type { BindingRecord } from '../binding/binding.js';
import { isTerminal, type BindingPatch } from '../binding/state.js';
import { parseConfig } from '../config.js';
import { CardBindingError } from '../errors.js';
import { InMemoryWorkQueue } from '../work/in-memory-work-queue.js';
import type { NewWorkItem, WorkItem, WorkStatus } from '../work/work-item.js';
import type { BindingStore, CreateResult, UpdateResult, UpdateWrites } from './binding-store.js';
import { type Clock, systemClock } from './clock.js';
import type { ClaimWorkInput } from './work-queue.js';
import { copyStored } from './copy-stored.js';

const InMemoryBindingStoreOptions = z.object({
  /**
   * How long a finished binding (and its audit rows) is kept. Past it the binding is dropped, so a
   * long-running development process does not grow without bound; saved cards are kept.
   */
  retentionMs: z
    .number()
    .int()
    .positive()
    .default(24 * 60 * 60_000),
  clock: z
    .custom<Clock>(
      (value) =>
        typeof value === 'object' && value !== null && typeof Reflect.get(value, 'now') === 'function',
      'must implement Clock',
    )
    .default(systemClock),
});
export type InMemoryBindingStoreOptions = z.input<typeof InMemoryBindingStoreOptions>;

/** Purging on every create would make each create scan every binding; once a minute is enough. */
const PURGE_INTERVAL_MS = 60_000;

/**
 * For unit tests and a quick start in development only: one process, nothing survives a restart, and
 * its compare-and-set holds only within this process. Deploy with `@cardbind/store-postgres`.
 *
 * Every method is synchronous inside, so each call is atomic with respect to the event loop. Records
 * go in and come out as copies, as with a database: a caller mutating what it got changes nothing here.
 */
export class InMemoryBindingStore implements BindingStore {
  readonly #bindings = new Map<string, BindingRecord>();
  readonly #work = new InMemoryWorkQueue();
  readonly #audit = new Map<string, AuditEntry[]>();
  readonly #byIdempotencyKey = new Map<string, string>();
  readonly #byLookupKey = new Map<string, string>();
  readonly #cards = new Map<string, SavedCard>();
  readonly #cardByToken = new Map<string, string>();
  readonly #retentionMs: number;
  readonly #clock: Clock;
  #lastPurge = 0;

  constructor(options: InMemoryBindingStoreOptions = {}) {
    const parsed = parseConfig(InMemoryBindingStoreOptions, options, 'InMemoryBindingStore');
    this.#retentionMs = parsed.retentionMs;
    this.#clock = parsed.clock;
  }

  async create(
    record: BindingRecord,
    audit: AuditEntry,
    work: readonly NewWorkItem[] = [],
  ): Promise<CreateResult> {
    this.#purgeWhenDue();
    const idempotencyKey =
      record.idempotencyKey === undefined
        ? undefined
        : idempotencyIndexKey(record.customer.id, record.idempotencyKey);
    if (idempotencyKey !== undefined) {
      const existingId = this.#byIdempotencyKey.get(idempotencyKey);
      const existing = existingId === undefined ? undefined : this.#bindings.get(existingId);
      if (existing) return { created: false, record: copyStored(existing) };
    }
    // Checked before any index is written, so a refused record leaves no key pointing at another binding.
    if (this.#bindings.has(record.id)) {
      // A fresh start draws a fresh id, so the caller may simply try again.
      throw new CardBindingError('INVALID_STATE', `Binding id collision: ${record.id}`, { retryable: true });
    }
    if (idempotencyKey !== undefined) this.#byIdempotencyKey.set(idempotencyKey, record.id);
    this.#bindings.set(record.id, copyStored(record));
    this.#audit.set(record.id, [copyStored(audit)]);
    this.#work.enqueue(work, audit.at);
    for (const lookupKey of record.lookupKeys)
      this.#byLookupKey.set(lookupIndexKey(record.provider, lookupKey), record.id);
    return { created: true, record: copyStored(record) };
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
    writes: UpdateWrites,
  ): Promise<UpdateResult> {
    const current = this.#bindings.get(id);
    if (!current || current.version !== expectedVersion) return { ok: false, current: copy(current) };
    const { card } = writes;
    let savedCard: SavedCard | undefined;
    if (card) {
      const tokenKey = tokenIndexKey(card);
      const existingId = this.#cardByToken.get(tokenKey);
      savedCard = existingId === undefined ? undefined : this.#cards.get(existingId);
      if (!savedCard) {
        savedCard = copyStored(card);
        this.#cards.set(card.id, savedCard);
        this.#cardByToken.set(tokenKey, card.id);
      }
    }
    // Only the patch is the caller's: the rest is the stored version's, never changed in place (a write
    // replaces the record, a read hands out a copy), so the new version may share it.
    const record: BindingRecord = {
      ...current,
      ...copyStored(patch),
      ...(savedCard ? { card: toCardView(savedCard) } : {}),
      version: current.version + 1,
    };
    this.#bindings.set(id, record);
    for (const lookupKey of patch.lookupKeys ?? []) {
      const key = lookupIndexKey(record.provider, lookupKey);
      // A key another binding already holds keeps pointing there: the first binding to claim it owns it.
      if (!this.#byLookupKey.has(key)) this.#byLookupKey.set(key, id);
    }
    const history = this.#audit.get(id) ?? [];
    history.push(copyStored({ ...writes.audit, version: record.version }));
    this.#audit.set(id, history);
    this.#work.enqueue(writes.work ?? [], writes.audit.at);
    const stored = copyStored(record);
    return savedCard
      ? { ok: true, record: stored, card: copyStored(savedCard) }
      : { ok: true, record: stored };
  }

  async listAudit(bindingId: string): Promise<AuditEntry[]> {
    return copyStored(this.#audit.get(bindingId) ?? []);
  }

  async listCards(customerId: string): Promise<SavedCard[]> {
    return [...this.#cards.values()]
      .filter((card) => card.customerId === customerId)
      .map((card) => copyStored(card));
  }

  async getCard(cardId: string): Promise<SavedCard | undefined> {
    return copy(this.#cards.get(cardId));
  }

  async removeCard(cardId: string): Promise<boolean> {
    const card = this.#cards.get(cardId);
    if (!card) return false;
    this.#cards.delete(cardId);
    this.#cardByToken.delete(tokenIndexKey(card));
    return true;
  }

  async claimWork(input: ClaimWorkInput): Promise<WorkItem[]> {
    return this.#work.claim(input);
  }

  async completeWork(id: string, owner: string, now: Date): Promise<boolean> {
    return this.#work.complete(id, owner, now);
  }

  async retryWork(
    id: string,
    owner: string,
    input: { runAt: Date; errorCode: string; now: Date },
  ): Promise<boolean> {
    return this.#work.retry(id, owner, input);
  }

  async failWork(id: string, owner: string, input: { errorCode: string; now: Date }): Promise<boolean> {
    return this.#work.fail(id, owner, input);
  }

  async listWork(filter: { status?: WorkStatus; bindingId?: string; limit?: number }): Promise<WorkItem[]> {
    return this.#work.list(filter);
  }

  async listExpiredBindings(now: Date, limit: number): Promise<BindingRecord[]> {
    return [...this.#bindings.values()]
      .filter((record) => !isTerminal(record.status) && record.expiresAt.getTime() <= now.getTime())
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .slice(0, limit)
      .map((record) => copyStored(record));
  }

  /** Drops finished bindings last changed before `olderThan`, with their audit rows and index keys. */
  purgeTerminalBindings(olderThan: Date): number {
    let purged = 0;
    for (const [id, record] of this.#bindings) {
      if (!isTerminal(record.status) || record.updatedAt.getTime() >= olderThan.getTime()) continue;
      this.#bindings.delete(id);
      this.#audit.delete(id);
      this.#work.dropFinished(id);
      if (record.idempotencyKey !== undefined) {
        this.#byIdempotencyKey.delete(idempotencyIndexKey(record.customer.id, record.idempotencyKey));
      }
      for (const lookupKey of record.lookupKeys) {
        const key = lookupIndexKey(record.provider, lookupKey);
        if (this.#byLookupKey.get(key) === id) this.#byLookupKey.delete(key);
      }
      purged++;
    }
    return purged;
  }

  /** How many bindings are held; for benchmarks and diagnostics. */
  get size(): number {
    return this.#bindings.size;
  }

  #purgeWhenDue(): void {
    const now = this.#clock.now().getTime();
    if (now - this.#lastPurge < PURGE_INTERVAL_MS) return;
    this.#lastPurge = now;
    this.purgeTerminalBindings(new Date(now - this.#retentionMs));
  }
}

function idempotencyIndexKey(customerId: string, key: string): string {
  return `${customerId}\u0000${key}`;
}

function lookupIndexKey(provider: string, key: string): string {
  return `${provider}\u0000${key}`;
}

function tokenIndexKey(card: SavedCard): string {
  return `${card.provider}\u0000${card.customerId}\u0000${card.token}`;
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : copyStored(value);
}
