import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ENTRY = fileURLToPath(new URL('../src/browser/main.ts', import.meta.url));

/**
 * Bundles the page's script (src/browser/main.ts with `@cardbind/core/client`,
 * `@cardbind/provider-payonline/client` and zod) into one ES module, in memory. Rolldown reads the
 * TypeScript sources through the workspace's `source` export condition, so the bundle never depends on
 * a stale build, and it installs from npm with no build script. A production host would run the same
 * step at build time and serve the file from a CDN.
 */
export async function bundleBrowserScript(): Promise<string> {
  const bundle = await rolldown({
    input: ENTRY,
    platform: 'browser',
    resolve: {
      conditionNames: ['source', 'browser', 'import', 'default'],
      // Sources import each other as `./x.js` (NodeNext); the files on disk are `.ts`.
      extensionAlias: { '.js': ['.ts', '.js'] },
    },
    logLevel: 'warn',
  });
  try {
    const { output } = await bundle.generate({ format: 'esm', minify: true });
    const [chunk] = output;
    if (!chunk || chunk.type !== 'chunk') throw new Error('the browser bundle produced no script');
    return chunk.code;
  } finally {
    await bundle.close();
  }
}
