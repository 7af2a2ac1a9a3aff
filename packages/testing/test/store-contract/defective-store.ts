import {
  type AuditEntry,
  type BindingPatch,
  type BindingRecord,
  type BindingStore,
  type ClaimWorkInput,
  type CreateResult,
  isTerminal,
  type NewWorkItem,
  type SavedCard,
  toCardView,
  type UpdateResult,
  type UpdateWrites,
  type WorkItem,
  type WorkQueue,
  type WorkStatus,
} from '@cardbind/core';
import { DefectiveWorkQueue, type WorkQueueDefect } from './defective-work-queue.js';

/** Mistakes real stores make, each planted on its own to prove that the contract suite catches it. */
export type StoreDefect =
  /** Applies every update, whatever version the caller expected. */
  | 'ignoresVersion'
  /** Reads the version, awaits (a round trip), then writes: a read-modify-write race, not a CAS. */
  | 'readThenWrite'
  /** Hands out and keeps the very objects, as a naive Map-based store does. */
  | 'liveReferences'
  /** Keeps whole seconds, like a `timestamp(0)` column or Unix seconds. */
  | 'truncatesDates'
  /** Saves every card, even one with the (provider, customer, token) of a stored card. */
  | 'duplicateCards'
  /** Saves the card before the compare-and-set, so a lost race still saves its card. */
  | 'cardBeforeCompare'
  /** Appends the audit row even when the compare-and-set is lost. */
  | 'auditOnLostRace'
  /** Creates a new binding for a repeated (customer, idempotency key). */
  | 'ignoresIdempotencyKey'
  /** Finds a binding by lookup key under any provider. */
  | 'lookupIgnoresProvider'
  /** Writes the work items of an update even when its compare-and-set is lost. */
  | 'workOnLostRace'
  /** Lists bindings past expiresAt whatever their status. */
  | 'expiredIncludesFinished'
  | WorkQueueDefect;

const WORK_QUEUE_DEFECTS: ReadonlySet<StoreDefect> = new Set<WorkQueueDefect>([
  'claimReadThenWrite',
  'settleIgnoresOwner',
  'claimIgnoresRunAt',
  'replayResetsWork',
  'leaseNeverExpires',
  'failNotFinal',
]);

function isWorkQueueDefect(defect: StoreDefect | undefined): defect is WorkQueueDefect {
  return defect !== undefined && WORK_QUEUE_DEFECTS.has(defect);
}

/** A small in-memory store that keeps every rule of the port, unless told to break one. */
export class DefectiveStore implements BindingStore, WorkQueue {
  readonly #bindings = new Map<string, BindingRecord>();
  readonly #audit = new Map<string, AuditEntry[]>();
  readonly #cards = new Map<string, SavedCard>();
  /** provider + key → the binding that claimed the key first. */
  readonly #keyOwners = new Map<string, string>();
  readonly #work: DefectiveWorkQueue;

  constructor(readonly defect?: StoreDefect) {
    this.#work = new DefectiveWorkQueue(isWorkQueueDefect(defect) ? defect : undefined);
  }

  async create(
    record: BindingRecord,
    audit: AuditEntry,
    work: readonly NewWorkItem[] = [],
  ): Promise<CreateResult> {
    const existing = [...this.#bindings.values()].find(
      (stored) =>
        this.defect !== 'ignoresIdempotencyKey' &&
        record.idempotencyKey !== undefined &&
        stored.customer.id === record.customer.id &&
        stored.idempotencyKey === record.idempotencyKey,
    );
    if (existing) return { created: false, record: this.#out(existing) };
    const stored = this.#in(record);
    this.#bindings.set(record.id, stored);
    this.#claimKeys(record.provider, record.id, record.lookupKeys);
    this.#audit.set(record.id, [this.#in(audit)]);
    this.#work.enqueue(work, audit.at);
    return { created: true, record: this.#out(stored) };
  }

  async get(id: string): Promise<BindingRecord | undefined> {
    return this.#maybe(this.#bindings.get(id));
  }

  async findByIdempotencyKey(customerId: string, idempotencyKey: string): Promise<BindingRecord | undefined> {
    return this.#maybe(
      [...this.#bindings.values()].find(
        (record) => record.customer.id === customerId && record.idempotencyKey === idempotencyKey,
      ),
    );
  }

  async findByLookupKey(provider: string, lookupKey: string): Promise<BindingRecord | undefined> {
    if (this.defect === 'lookupIgnoresProvider') {
      return this.#maybe(
        [...this.#bindings.values()].find((record) => record.lookupKeys.includes(lookupKey)),
      );
    }
    const owner = this.#keyOwners.get(`${provider}\u0000${lookupKey}`);
    return this.#maybe(owner === undefined ? undefined : this.#bindings.get(owner));
  }

  #claimKeys(provider: string, id: string, keys: readonly string[]): void {
    for (const key of keys) {
      const indexKey = `${provider}\u0000${key}`;
      if (!this.#keyOwners.has(indexKey)) this.#keyOwners.set(indexKey, id);
    }
  }

  async update(
    id: string,
    expectedVersion: number,
    patch: BindingPatch,
    writes: UpdateWrites,
  ): Promise<UpdateResult> {
    const seen = this.#bindings.get(id);
    if (this.defect === 'readThenWrite') await new Promise((resolve) => setImmediate(resolve));
    if (this.defect === 'cardBeforeCompare' && seen && writes.card) this.#keepCard(writes.card);
    const versionMatches = seen?.version === expectedVersion || this.defect === 'ignoresVersion';
    if (!seen || !versionMatches) {
      if (seen && this.defect === 'auditOnLostRace') this.#audit.get(id)?.push(this.#in(writes.audit));
      if (seen && this.defect === 'workOnLostRace') this.#work.enqueue(writes.work ?? [], writes.audit.at);
      return { ok: false, current: this.#maybe(seen) };
    }
    const card = writes.card ? this.#keepCard(writes.card) : undefined;
    const record: BindingRecord = this.#in({
      ...seen,
      ...patch,
      ...(card ? { card: toCardView(card) } : {}),
      version: seen.version + 1,
    });
    this.#bindings.set(id, record);
    this.#claimKeys(record.provider, id, patch.lookupKeys ?? []);
    this.#audit.get(id)?.push(this.#in(writes.audit));
    this.#work.enqueue(writes.work ?? [], writes.audit.at);
    return card
      ? { ok: true, record: this.#out(record), card: this.#out(card) }
      : { ok: true, record: this.#out(record) };
  }

  async listAudit(bindingId: string): Promise<AuditEntry[]> {
    return (this.#audit.get(bindingId) ?? []).map((entry) => this.#out(entry));
  }

  async listCards(customerId: string): Promise<SavedCard[]> {
    return [...this.#cards.values()]
      .filter((card) => card.customerId === customerId)
      .map((card) => this.#out(card));
  }

  async getCard(cardId: string): Promise<SavedCard | undefined> {
    return this.#maybe(this.#cards.get(cardId));
  }

  async removeCard(cardId: string): Promise<boolean> {
    return this.#cards.delete(cardId);
  }

  claimWork(input: ClaimWorkInput): Promise<WorkItem[]> {
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
      .filter((record) => this.defect === 'expiredIncludesFinished' || !isTerminal(record.status))
      .filter((record) => record.expiresAt.getTime() <= now.getTime())
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .slice(0, limit)
      .map((record) => this.#out(record));
  }

  #keepCard(card: SavedCard): SavedCard {
    const existing = [...this.#cards.values()].find(
      (stored) =>
        this.defect !== 'duplicateCards' &&
        stored.provider === card.provider &&
        stored.customerId === card.customerId &&
        stored.token === card.token,
    );
    if (existing) return existing;
    const kept = this.#in(card);
    this.#cards.set(kept.id, kept);
    return kept;
  }

  /** What the store keeps of a value it is given. */
  #in<T>(value: T): T {
    if (this.defect === 'liveReferences') return value;
    const copy = structuredClone(value);
    return this.defect === 'truncatesDates' ? truncateDates(copy) : copy;
  }

  /** What the store hands out of a value it keeps. */
  #out<T>(value: T): T {
    return this.defect === 'liveReferences' ? value : structuredClone(value);
  }

  #maybe<T>(value: T | undefined): T | undefined {
    return value === undefined ? undefined : this.#out(value);
  }
}

/** Rounds every Date inside `value` down to the second, in place. */
function truncateDates<T>(value: T): T {
  const visit = (item: unknown): void => {
    if (item instanceof Date) item.setTime(Math.floor(item.getTime() / 1000) * 1000);
    else if (Array.isArray(item)) item.forEach(visit);
    else if (typeof item === 'object' && item !== null) Object.values(item).forEach(visit);
  };
  visit(value);
  return value;
}
