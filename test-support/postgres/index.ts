export { createTestDatabase } from './create-test-database.js';
export type { TestDatabase } from './test-databases.js';
export type { PostgresForTests } from './provided-context.js';
export {
  resolvePostgresServer,
  LOCAL_SERVER_URL,
  TEST_DATABASE_URL_VARIABLE,
  type ResolvedServer,
  type ResolveServerOptions,
} from './resolve-server.js';
export {
  startThrowawayCluster,
  type ThrowawayCluster,
  type ThrowawayClusterOptions,
} from './throwaway-cluster.js';
export { NoPostgresServerError } from './no-server-error.js';
