import type { BindingStore } from './binding-store.js';
import { storeGuard } from './store-guard.js';

/** A host's BindingStore whose failures reach callers as STORE_UNAVAILABLE (see store-guard.ts). */
export function guardBindingStore(store: BindingStore): BindingStore {
  const guard = storeGuard('binding store');
  return {
    create: guard('create', (record, audit, work) => store.create(record, audit, work)),
    get: guard('get', (id) => store.get(id)),
    findByIdempotencyKey: guard('findByIdempotencyKey', (customerId, key) =>
      store.findByIdempotencyKey(customerId, key),
    ),
    findByLookupKey: guard('findByLookupKey', (provider, key) => store.findByLookupKey(provider, key)),
    update: guard('update', (id, version, patch, writes) => store.update(id, version, patch, writes)),
    listAudit: guard('listAudit', (bindingId) => store.listAudit(bindingId)),
    listCards: guard('listCards', (customerId) => store.listCards(customerId)),
    getCard: guard('getCard', (cardId) => store.getCard(cardId)),
    removeCard: guard('removeCard', (cardId) => store.removeCard(cardId)),
    claimWork: guard('claimWork', (input) => store.claimWork(input)),
    completeWork: guard('completeWork', (id, owner, now) => store.completeWork(id, owner, now)),
    retryWork: guard('retryWork', (id, owner, input) => store.retryWork(id, owner, input)),
    failWork: guard('failWork', (id, owner, input) => store.failWork(id, owner, input)),
    listWork: guard('listWork', (filter) => store.listWork(filter)),
    listExpiredBindings: guard('listExpiredBindings', (now, limit) => store.listExpiredBindings(now, limit)),
  };
}
