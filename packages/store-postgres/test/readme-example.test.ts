import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/databases.js';

// The README opens with a runnable example; this runs it, on a test database (its DATABASE_URL branch).
const README = fileURLToPath(new URL('../README.md', import.meta.url));
const scratch = fileURLToPath(new URL('./.readme-examples/', import.meta.url));

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(scratch, { recursive: true, force: true });
  await db?.drop();
});

describe('README', () => {
  it('the opening example runs and saves a card through the PostgreSQL store', async () => {
    const match = /```ts\n([\s\S]*?)```/.exec(await readFile(README, 'utf8'));
    if (!match?.[1]) throw new Error('README.md has no ts example');
    await mkdir(scratch, { recursive: true });
    const file = `${scratch}example.ts`;
    await writeFile(file, match[1]);
    vi.stubEnv('DATABASE_URL', db.url);
    const printed: string[] = [];
    const spy = vi
      .spyOn(console, 'log')
      .mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    try {
      await import(file);
    } finally {
      spy.mockRestore();
    }
    expect(printed[0]).toBe('succeeded 411111******1111');
    expect(printed[1]).toContain('requires_action');
  });
});
