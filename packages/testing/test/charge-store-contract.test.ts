import { InMemoryChargeStore } from '@cardbind/core';
import { describeChargeStoreContract } from '../src/index.js';

// The reference run: the in-memory store keeps every rule of the port (in one process).
describeChargeStoreContract('InMemoryChargeStore', async () => ({
  store: new InMemoryChargeStore(),
  close: async () => undefined,
}));
