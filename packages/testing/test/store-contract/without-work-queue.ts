import type { BindingStore } from '@cardbind/core';

/** Only the BindingStore half of `inner`: a host store written before background work was durable. */
export function withoutWorkQueue(inner: BindingStore): BindingStore {
  return {
    create: (record, audit, work) => inner.create(record, audit, work),
    get: (id) => inner.get(id),
    findByIdempotencyKey: (customerId, key) => inner.findByIdempotencyKey(customerId, key),
    findByLookupKey: (provider, key) => inner.findByLookupKey(provider, key),
    update: (id, version, patch, writes) => inner.update(id, version, patch, writes),
    listAudit: (bindingId) => inner.listAudit(bindingId),
    listCards: (customerId) => inner.listCards(customerId),
    getCard: (cardId) => inner.getCard(cardId),
    removeCard: (cardId) => inner.removeCard(cardId),
  };
}
