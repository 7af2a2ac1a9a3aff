/** The cases of the BindingStore contract suite, in the order they run. */
export const STORE_CONTRACT_CASES = [
  'create',
  'idempotency',
  'lookupKeys',
  'compareAndSet',
  'race',
  'cards',
  'cardUniqueness',
  'removeCard',
  'audit',
  'copies',
  'dates',
  'storeUnavailable',
  'workWrites',
  'workClaimRace',
  'workRunAt',
  'workLease',
  'workRetry',
  'workFail',
  'expiredBindings',
] as const;
export type StoreContractCase = (typeof STORE_CONTRACT_CASES)[number];

/**
 * The cases of the WorkQueue half of the port. A store without a queue (core then keeps its work in
 * process memory) skips them all: `skip: Object.fromEntries(WORK_QUEUE_CASES.map((c) => [c, why]))`.
 */
export const WORK_QUEUE_CASES = [
  'workWrites',
  'workClaimRace',
  'workRunAt',
  'workLease',
  'workRetry',
  'workFail',
  'expiredBindings',
] as const satisfies readonly StoreContractCase[];

export const STORE_CONTRACT_CASE_TITLES: Readonly<Record<StoreContractCase, string>> = {
  create: 'create stores the record as given and get reads it back',
  idempotency: 'one binding per (customer, idempotency key), even when creates race',
  lookupKeys: 'findByLookupKey finds a binding by each of its keys, within its provider only',
  compareAndSet: 'update is a compare-and-set on version; a lost or unknown update writes nothing',
  race: '50 racing updates on one version: exactly one wins and the others see the winner',
  cards: 'a card is saved in the same step as its update; a racing pair with two cards saves one',
  cardUniqueness: 'one card per (provider, customer, token): a second binding gets the first card',
  removeCard: 'removeCard deletes one card and says whether it existed',
  audit: 'every create and update writes its audit row; a lost race or a duplicate create writes none',
  copies: 'what goes in and what comes out are copies: mutating them changes nothing stored',
  dates: 'dates come back as Date objects, equal to the millisecond',
  storeUnavailable: 'a store failure reaches callers as a retryable STORE_UNAVAILABLE without driver text',
  workWrites:
    'work items are written with their transition: claimable after create and update, none for a lost compare-and-set or a duplicate create, a replay resets nothing',
  workClaimRace:
    '20 concurrent claims by different owners never return one item twice; every due item is claimed once',
  workRunAt: 'an item is not claimed before its runAt, and a claim takes at most limit items',
  workLease:
    "a lease that ran out lets another owner take the item; the old owner's complete, retry and fail then change nothing",
  workRetry:
    'retryWork puts the item back pending until its runAt, with its attempts counted and its error code',
  workFail: "failWork is final: the item is never claimed again and listWork({ status: 'failed' }) lists it",
  expiredBindings:
    'listExpiredBindings returns open bindings past expiresAt only, oldest first, at most limit',
};
