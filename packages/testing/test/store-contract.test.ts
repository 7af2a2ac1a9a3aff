import { InMemoryBindingStore } from '@cardbind/core';
import { describeBindingStoreContract } from '../src/index.js';
import { breakable } from './store-contract/breakable-store.js';

// The reference run: the in-memory store keeps every rule of the port (in one process).
describeBindingStoreContract('InMemoryBindingStore', async () => {
  const { store, breakStore } = breakable(new InMemoryBindingStore());
  return { store, breakStore, close: async () => undefined, secrets: ['hunter2'] };
});
