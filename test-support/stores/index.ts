export {
  testStores,
  closeStores,
  STORE_KINDS,
  type StoreKind,
  type StoreParts,
  type TestStore,
  type OpenStore,
} from './open-store.js';
export { dumpSchema, type DumpedRow } from './dump-schema.js';
export type { StoreSecret } from './store-keys.js';
