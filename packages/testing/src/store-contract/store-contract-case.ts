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
] as const;
export type StoreContractCase = (typeof STORE_CONTRACT_CASES)[number];

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
};
