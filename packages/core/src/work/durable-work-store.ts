import type { BindingStore } from '../ports/binding-store.js';
import type { Logger } from '../ports/logger.js';
import type { WorkQueue } from '../ports/work-queue.js';
import { InMemoryWorkQueue } from './in-memory-work-queue.js';

const WORK_QUEUE_METHODS = [
  'claimWork',
  'completeWork',
  'retryWork',
  'failWork',
  'listWork',
  'listExpiredBindings',
];

export function hasWorkQueue(store: BindingStore): store is BindingStore & WorkQueue {
  return WORK_QUEUE_METHODS.every((method) => typeof Reflect.get(store, method) === 'function');
}

/**
 * The store with its work queue. A host store written before background work was durable has none:
 * its work items then live in this process's memory, written right after each commit (as background
 * work was before), and the sweeper finds nothing. A warning says so once.
 */
export function withWorkQueue(store: BindingStore, logger: Logger): BindingStore & WorkQueue {
  if (hasWorkQueue(store)) return store;
  logger.warn(
    { event: 'store.no_work_queue' },
    'the binding store has no work queue: background work is kept in this process only and lost with it',
  );
  const queue = new InMemoryWorkQueue();
  return {
    create: async (record, audit, work) => {
      const result = await store.create(record, audit, work);
      if (result.created) queue.enqueue(work ?? [], audit.at);
      return result;
    },
    update: async (id, version, patch, writes) => {
      const result = await store.update(id, version, patch, writes);
      if (result.ok) queue.enqueue(writes.work ?? [], writes.audit.at);
      return result;
    },
    get: (id) => store.get(id),
    findByIdempotencyKey: (customerId, key) => store.findByIdempotencyKey(customerId, key),
    findByLookupKey: (provider, key) => store.findByLookupKey(provider, key),
    listAudit: (bindingId) => store.listAudit(bindingId),
    listCards: (customerId) => store.listCards(customerId),
    getCard: (cardId) => store.getCard(cardId),
    removeCard: (cardId) => store.removeCard(cardId),
    claimWork: async (input) => queue.claim(input),
    completeWork: async (id, owner, now) => queue.complete(id, owner, now),
    retryWork: async (id, owner, input) => queue.retry(id, owner, input),
    failWork: async (id, owner, input) => queue.fail(id, owner, input),
    listWork: async (filter) => queue.list(filter),
    listExpiredBindings: async () => [],
  };
}
