import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `@cardbind/core/client` runs in browsers and React Native: it may import zod and core's built-in-free
 * files only. This walks the import graph from every client file and fails on anything else.
 */
const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const clientDir = join(srcDir, 'client');
const ALLOWED_OUTSIDE_CLIENT = new Set(
  ['errors.ts', 'next-action.ts', 'luhn.ts'].map((file) => join(srcDir, file)),
);
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const NODE_GLOBALS = /\b(?:process|Buffer|require|__dirname|__filename|global)\b\s*[.(]/;

function specifiers(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? '');
}

describe('client entry boundary', () => {
  it('imports only zod and allowed core files, transitively, and touches no Node globals', () => {
    const queue = readdirSync(clientDir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(clientDir, file));
    const seen = new Set<string>();
    while (queue.length > 0) {
      const file = queue.pop() ?? '';
      if (seen.has(file)) continue;
      seen.add(file);
      const isClientFile = dirname(file) === clientDir;
      expect(isClientFile || ALLOWED_OUTSIDE_CLIENT.has(file), `${file} is outside the allowed set`).toBe(
        true,
      );
      const source = readFileSync(file, 'utf8');
      expect(
        NODE_GLOBALS.test(source.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')),
        `${file} uses a Node global`,
      ).toBe(false);
      for (const specifier of specifiers(source)) {
        if (specifier === 'zod') continue;
        expect(specifier.startsWith('.'), `${file} imports ${specifier}`).toBe(true);
        expect(specifier.endsWith('.js'), `${file} imports ${specifier} without .js`).toBe(true);
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      }
    }
    expect(seen.size).toBeGreaterThan(10);
  });
});
