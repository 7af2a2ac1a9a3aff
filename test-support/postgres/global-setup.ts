import type { TestProject } from 'vitest/node';
import { isProcessAlive } from './process-alive.js';
import { POSTGRES_FOR_TESTS } from './provided-context.js';
import { resolvePostgresServer } from './resolve-server.js';
import { dropTestDatabases, runIdFor } from './test-databases.js';

/**
 * vitest global setup: finds or starts the run's PostgreSQL server once (see resolvePostgresServer)
 * and hands its admin URL to every test file; at the end drops the run's databases and stops a
 * throwaway cluster. On the project's machines this costs one loopback connection (a few ms).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await resolvePostgresServer();
  const runId = runIdFor(process.pid);
  // Off the critical path: databases of runs that were killed are dropped while the tests run. Only
  // on the machine's own server, where a run id's pid means something.
  const sweep =
    server.source === 'local'
      ? dropTestDatabases(server.adminUrl, { isAbandoned: (id) => id !== runId && !isLiveRun(id) }).catch(
          () => [],
        )
      : Promise.resolve([]);
  if (server.source === 'throwaway') {
    // eslint-disable-next-line no-console -- a run that started its own server should say so once
    console.info(`PostgreSQL for the tests: a throwaway cluster at ${server.adminUrl}`);
  }
  project.provide(POSTGRES_FOR_TESTS, { adminUrl: server.adminUrl, source: server.source, runId });
  return async () => {
    try {
      await sweep;
      if (server.source !== 'throwaway') await dropTestDatabases(server.adminUrl, { runId });
    } finally {
      await server.close();
    }
  };
}

function isLiveRun(runId: string): boolean {
  const pid = Number.parseInt(runId.slice(1), 10);
  // A name this code did not make is someone else's: keep it.
  return !Number.isInteger(pid) || isProcessAlive(pid);
}
