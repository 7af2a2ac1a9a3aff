import { InMemoryBindingStore } from '../src/index.js';

const roundTrip = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The in-memory store with a database's round trip before each read and write, so that racing callers
 * really read the same version and collide on the compare-and-set, as they do against a shared database.
 */
export class LatentBindingStore extends InMemoryBindingStore {
  override async get(...args: Parameters<InMemoryBindingStore['get']>) {
    await roundTrip();
    return super.get(...args);
  }

  override async update(...args: Parameters<InMemoryBindingStore['update']>) {
    await roundTrip();
    return super.update(...args);
  }
}
