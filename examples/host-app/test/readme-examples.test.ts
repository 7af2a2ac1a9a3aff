import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * Each package README opens with a runnable example, and so does the root README ("A host in 30
 * lines"); this runs them. The example is written next to this app (which depends on every package) so
 * its imports resolve like a host's would.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const scratch = join(here, '..', '.readme-examples');

const READMES = [
  'README.md',
  'packages/core/README.md',
  'packages/provider-payture/README.md',
  'packages/provider-payonline/README.md',
];

async function firstTypeScriptBlock(path: string): Promise<string> {
  const text = await readFile(join(root, path), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(text);
  if (!match?.[1]) throw new Error(`${path} has no ts example`);
  return match[1];
}

afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('README examples run', () => {
  for (const readme of READMES) {
    it(readme, async () => {
      const printed: string[] = [];
      const spy = vi
        .spyOn(console, 'log')
        .mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
      try {
        await mkdir(scratch, { recursive: true });
        const file = join(scratch, `${readme.replace(/[/.]/g, '_')}.ts`);
        await writeFile(file, await firstTypeScriptBlock(readme));
        await import(file);
      } finally {
        spy.mockRestore();
      }
      // Every example ends by showing a saved card's masked number.
      expect(printed.join('\n')).toMatch(/succeeded/);
    });
  }

  it('README.md shows exactly what `pnpm quickstart` runs', async () => {
    const quickstart = await readFile(join(root, 'examples/quickstart/src/quickstart.ts'), 'utf8');
    expect(await firstTypeScriptBlock('README.md')).toBe(quickstart);
  });
});
