import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `@cardbind/provider-payonline/client` runs in browsers and React Native: from src/client it may reach
 * zod, `@cardbind/core/client` and the provider's own built-in-free files, nothing else. This walks the
 * import graph and fails on a Node built-in, core's Node entry, or a Node global.
 */
const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const clientDir = join(srcDir, 'client');
const ALLOWED_PACKAGES = new Set(['zod', '@cardbind/core/client']);
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const NODE_GLOBALS = /\b(?:process|Buffer|require|__dirname|__filename|global)\b\s*[.(]/;

describe('client entry boundary', () => {
  it('imports only zod, @cardbind/core/client and built-in-free provider files', () => {
    const queue = readdirSync(clientDir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(clientDir, file));
    const seen = new Set<string>();
    while (queue.length > 0) {
      const file = queue.pop() ?? '';
      if (seen.has(file)) continue;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      const code = source.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '');
      expect(NODE_GLOBALS.test(code), `${file} uses a Node global`).toBe(false);
      for (const match of source.matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2] ?? '';
        if (ALLOWED_PACKAGES.has(specifier)) continue;
        expect(specifier.startsWith('.'), `${file} imports ${specifier}`).toBe(true);
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      }
    }
    // The client reaches the shared answer reader, codes and HTML helpers, and nothing with node:crypto.
    expect([...seen].map((file) => file.slice(srcDir.length + 1)).sort()).toEqual(
      expect.arrayContaining(['wire/answer.ts', 'errors/codes.ts', 'wire/html.ts', 'client/index.ts']),
    );
    expect([...seen].some((file) => file.endsWith('security-key.ts'))).toBe(false);
  });
});
