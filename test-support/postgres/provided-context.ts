import type { ResolvedServer } from './resolve-server.js';

/** What the global setup hands every test file (through vitest's provide/inject, so it must be plain data). */
export interface PostgresForTests {
  adminUrl: string;
  source: ResolvedServer['source'];
  /** Names this run's databases, so the teardown can drop what a crashed test file left. */
  runId: string;
}

export const POSTGRES_FOR_TESTS = 'cardbindPostgres';

declare module 'vitest' {
  export interface ProvidedContext {
    // Optional: a vitest config without the global setup provides nothing, and createTestDatabase says so.
    [POSTGRES_FOR_TESTS]?: PostgresForTests;
  }
}
