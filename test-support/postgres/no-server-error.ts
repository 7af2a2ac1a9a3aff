/**
 * Thrown when the test run can get no PostgreSQL server. The run fails with it rather than skipping
 * the database tests, so a machine without PostgreSQL can never pass by testing less.
 */
export class NoPostgresServerError extends Error {
  override readonly name = 'NoPostgresServerError';
  constructor(readonly attempts: readonly string[]) {
    super(
      [
        'The tests need a PostgreSQL server and none could be found:',
        ...attempts.map((attempt) => `  - ${attempt}`),
        'Get one in any of these ways:',
        '  - point CARDBIND_TEST_DATABASE_URL at a server whose role may create databases,',
        '    e.g. CARDBIND_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm test;',
        "  - start this machine's server: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start;",
        "  - install Debian's server programs (the run then starts a throwaway cluster of its own):",
        '    apt-get update && apt-get install -y postgresql   (bash .ci/run does this when they are missing).',
      ].join('\n'),
    );
  }
}
