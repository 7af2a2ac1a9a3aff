import { type BindingStore, WORK_QUEUE_METHODS } from '@cardbind/core';

/**
 * Only the binding half of `inner`, as a host store written in plain JavaScript before background work
 * was durable would be: the types say BindingStore, the object has no work queue. The suite must say
 * what is missing instead of crashing.
 */
export function withoutWorkQueue(inner: BindingStore): BindingStore {
  const store: BindingStore = {
    create: (record, audit, work) => inner.create(record, audit, work),
    get: (id) => inner.get(id),
    findByIdempotencyKey: (customerId, key) => inner.findByIdempotencyKey(customerId, key),
    findByLookupKey: (provider, key) => inner.findByLookupKey(provider, key),
    update: (id, version, patch, writes) => inner.update(id, version, patch, writes),
    listAudit: (bindingId) => inner.listAudit(bindingId),
    listCards: (customerId) => inner.listCards(customerId),
    getCard: (cardId) => inner.getCard(cardId),
    removeCard: (cardId) => inner.removeCard(cardId),
    claimWork: (input) => inner.claimWork(input),
    completeWork: (id, owner, now) => inner.completeWork(id, owner, now),
    retryWork: (id, owner, input) => inner.retryWork(id, owner, input),
    failWork: (id, owner, input) => inner.failWork(id, owner, input),
    listWork: (filter) => inner.listWork(filter),
    listExpiredBindings: (now, limit) => inner.listExpiredBindings(now, limit),
  };
  for (const method of WORK_QUEUE_METHODS) Reflect.deleteProperty(store, method);
  return store;
}
