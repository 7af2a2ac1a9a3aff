import { defineConfig } from 'vitest/config';

// Tests run against sources: the `source` export condition points every workspace package at src/.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // vitest 4 (oxc) applies legacy decorators only when told to; inversify's @injectable needs them.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'test-support/**/*.test.ts',
    ],
    // Finds or starts the run's PostgreSQL server once; test files get databases from createTestDatabase.
    globalSetup: ['test-support/postgres/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // The JSON report is what .ci/run counts for its closing `tests: N passed, M failed` line.
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
});
