import { defineConfig } from 'vitest/config';

// Tests run against sources: the `source` export condition points every workspace package at src/.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // vitest 4 (oxc) applies legacy decorators only when told to; inversify's @injectable needs them.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // The JSON report is what .ci/run counts for its closing `tests: N passed, M failed` line.
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
});
