import { inject } from 'vitest';
import { POSTGRES_FOR_TESTS } from './provided-context.js';
import { createDatabase, type TestDatabase } from './test-databases.js';

/**
 * A fresh, uniquely named database on the run's PostgreSQL server, for one test file (or one test):
 * parallel forks never share rows. Call `drop()` when done (`afterAll`); the run's teardown drops
 * whatever is left.
 *
 * ```ts
 * let db: TestDatabase;
 * beforeAll(async () => (db = await createTestDatabase()));
 * afterAll(() => db.drop());
 * ```
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = inject(POSTGRES_FOR_TESTS);
  if (server === undefined) {
    throw new Error(
      'createTestDatabase() needs the PostgreSQL global setup: add ' +
        "globalSetup: ['test-support/postgres/global-setup.ts'] to the vitest config that runs this file",
    );
  }
  return createDatabase(server.adminUrl, server.runId);
}
