import type { BindingStore, WorkQueue } from '@cardbind/core';

export const DRIVER_MESSAGE =
  'connect ECONNREFUSED 127.0.0.1:5432 (host=127.0.0.1 user=app password=hunter2)';

/**
 * A store with an outage switch, for stores that have no database to take away: after `breakStore()`
 * every call fails the way a driver does when its server is gone, quoting its connection settings. `failure` makes the error a store of that kind would throw.
 */
export function breakable(
  inner: BindingStore & WorkQueue,
  options: { failure?: (driverMessage: string) => unknown } = {},
): { store: BindingStore & WorkQueue; breakStore(): Promise<void> } {
  const failure = options.failure ?? ((driverMessage: string) => new Error(driverMessage));
  let broken = false;
  const guard =
    <Args extends unknown[], Result>(call: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      if (broken) {
        throw failure(DRIVER_MESSAGE);
      }
      return call(...args);
    };
  const store: BindingStore & WorkQueue = {
    create: guard((record, audit, work) => inner.create(record, audit, work)),
    get: guard((id) => inner.get(id)),
    findByIdempotencyKey: guard((customerId, key) => inner.findByIdempotencyKey(customerId, key)),
    findByLookupKey: guard((provider, key) => inner.findByLookupKey(provider, key)),
    update: guard((id, version, patch, writes) => inner.update(id, version, patch, writes)),
    listAudit: guard((bindingId) => inner.listAudit(bindingId)),
    listCards: guard((customerId) => inner.listCards(customerId)),
    getCard: guard((cardId) => inner.getCard(cardId)),
    removeCard: guard((cardId) => inner.removeCard(cardId)),
    claimWork: guard((input) => inner.claimWork(input)),
    completeWork: guard((id, owner, now) => inner.completeWork(id, owner, now)),
    retryWork: guard((id, owner, input) => inner.retryWork(id, owner, input)),
    failWork: guard((id, owner, input) => inner.failWork(id, owner, input)),
    listWork: guard((filter) => inner.listWork(filter)),
    listExpiredBindings: guard((now, limit) => inner.listExpiredBindings(now, limit)),
  };
  return {
    store,
    breakStore: async () => {
      broken = true;
    },
  };
}
