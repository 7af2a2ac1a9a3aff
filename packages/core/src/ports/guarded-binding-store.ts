import { CardBindingError } from '../errors.js';
import { redactText } from '../redaction/redact.js';
import type { BindingStore } from './binding-store.js';

/**
 * Wraps a host's BindingStore so that its failures (a database down, a driver error) reach callers as
 * a retryable STORE_UNAVAILABLE CardBindingError, like every other cardbind failure. The driver's
 * error is kept as a redacted summary only: SQL errors quote the values they failed on.
 */
export function guardBindingStore(store: BindingStore): BindingStore {
  const guard =
    <Args extends unknown[], Result>(name: string, call: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      try {
        return await call(...args);
      } catch (error) {
        if (error instanceof CardBindingError) throw error;
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        // STORE_UNAVAILABLE is retryable by default (errors.ts).
        throw new CardBindingError('STORE_UNAVAILABLE', `The binding store failed (${name})`, {
          cause: new Error(redactText(detail)),
        });
      }
    };
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
