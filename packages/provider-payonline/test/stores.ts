import { type BindingStore, InMemoryBindingStore, Secret } from '@cardbind/core';
import { createPostgresBindingStore } from '@cardbind/store-postgres';
import { testStores } from '../../../test-support/stores/index.js';

export {
  closeStores,
  STORE_KINDS,
  type StoreKind,
  type TestStore,
} from '../../../test-support/stores/index.js';

/** A fresh in-memory or PostgreSQL store for one world: see test-support/stores. */
export const openStore = testStores<BindingStore, Secret>({
  memoryStore: () => new InMemoryBindingStore(),
  secret: (value) => new Secret(value),
  postgresStore: createPostgresBindingStore,
});
