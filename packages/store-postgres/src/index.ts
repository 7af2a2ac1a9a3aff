export {
  createPostgresBindingStore,
  createPgliteBindingStore,
  migratePostgresSchema,
  type MigratePostgresSchemaOptions,
  type PostgresBindingStoreOptions,
  type PgliteBindingStoreOptions,
} from './create-store.js';
export { PostgresBindingStore } from './postgres-binding-store.js';
export { StoreConfig, type StoreConfigInput } from './store-config.js';
export { TokenKeys, KeyId, type TokenKeysInput } from './keys/token-keys.js';
export { MigrationResult } from './migrate.js';
export { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations/index.js';
export { ReencryptOptions, ReencryptResult } from './maintenance/reencrypt-tokens.js';
export { PurgeOptions, PurgeResult } from './maintenance/purge-terminal-bindings.js';
