import { z } from 'zod';
import { TokenKeys } from './keys/token-keys.js';
import { SchemaName } from './sql/identifier.js';

/** The store's own settings, shared by both factories and parsed with zod (CONFIG_INVALID names the field). */
export const StoreConfig = z.object({
  /** The PostgreSQL schema that holds the store's tables; created by `migrate()`. */
  schema: SchemaName.default('cardbind'),
  keys: TokenKeys,
  /**
   * Apply pending migrations when the store is created (default). With `false` the store only checks that
   * the schema is exactly at this package's version, for hosts that migrate in a separate deploy step.
   */
  migrate: z.boolean().default(true),
});
export type StoreConfigInput = z.input<typeof StoreConfig>;
