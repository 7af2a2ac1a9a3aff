import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresBindingStore, type PostgresBindingStore } from '../src/index.js';
import { ensureBuilt } from './support/built-package.js';
import { createTestDatabase, inspectPool, type TestDatabase } from './support/databases.js';
import { bindingRecord, creationAudit, testKeys } from './support/fixtures.js';

// A host instance SIGKILLed in the middle of an expiry sweep, then another instance sweeping the same
// database: every binding ends exactly once, and every release (the provider's after-failure step)
// happens, at most repeated for the few a killed instance had under way (at least once, by design).
const SWEEPER = fileURLToPath(new URL('./fixtures/sweeper.mjs', import.meta.url));
const BINDINGS = 30;
const TIMEOUT_MS = 60_000;

let db: TestDatabase;
let sql: pg.Pool;
let store: PostgresBindingStore | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [db] = await Promise.all([createTestDatabase(), ensureBuilt()]);
  sql = inspectPool(db.url);
  await sql.query(
    'CREATE TABLE public.sweep_effects (kind text NOT NULL, binding_id text NOT NULL, owner text NOT NULL)',
  );
}, TIMEOUT_MS);

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

afterAll(async () => {
  await store?.close();
  await sql?.end();
  await db?.drop();
});

function sweeper(
  owner: string,
  options: { askMs: number },
): { child: ChildProcess; lines: string[]; done: Promise<void> } {
  const child = spawn(process.execPath, [SWEEPER, db.url, 'swept', owner, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) =>
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)),
  );
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`sweeper ${owner} exited ${code ?? signal}: ${stderr}`)),
    );
  });
  return { child, lines, done };
}

async function count(query: string): Promise<number> {
  const result = await sql.query(query);
  return Number(result.rows[0]?.['n'] ?? 0);
}

describe('a sweep killed half-way', () => {
  it(
    'is finished by another instance: each binding expires once, each is released',
    async () => {
      store = await createPostgresBindingStore({
        connectionString: db.url,
        schema: 'swept',
        keys: testKeys().config,
      });
      const past = new Date(Date.now() - 60_000);
      for (let i = 0; i < BINDINGS; i++) {
        const record = bindingRecord({
          provider: 'sweepy',
          status: 'requires_action',
          expiresAt: past,
          lookupKeys: [],
        });
        await store.create(record, creationAudit(record));
      }

      const first = sweeper('A', { askMs: 150 });
      // Kill it once it has asked about a handful: some bindings expired, most not yet.
      for (let waited = 0; first.lines.filter((line) => line.includes('asked')).length < 5; waited += 20) {
        if (waited > TIMEOUT_MS / 2) throw new Error('the first sweeper never asked');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      first.child.kill('SIGKILL');
      await first.done.catch(() => undefined);
      const expiredByA = await count(`SELECT count(*) AS n FROM swept.bindings WHERE status = 'expired'`);
      expect(expiredByA).toBeLessThan(BINDINGS);

      const second = sweeper('B', { askMs: 0 });
      await second.done;

      expect(await count(`SELECT count(*) AS n FROM swept.bindings WHERE status = 'expired'`)).toBe(BINDINGS);
      // Exactly one transition to expired per binding, whoever made it.
      expect(
        await count(`SELECT count(*) AS n FROM (SELECT binding_id FROM swept.binding_audit WHERE to_status = 'expired'
        GROUP BY binding_id HAVING count(*) = 1) once`),
      ).toBe(BINDINGS);
      expect(await count(`SELECT count(*) AS n FROM swept.binding_audit WHERE to_status = 'expired'`)).toBe(
        BINDINGS,
      );
      // Every binding released; a repeat only where the killed instance may have been mid-release.
      expect(
        await count(
          `SELECT count(DISTINCT binding_id) AS n FROM public.sweep_effects WHERE kind = 'release'`,
        ),
      ).toBe(BINDINGS);
      const releases = await count(`SELECT count(*) AS n FROM public.sweep_effects WHERE kind = 'release'`);
      expect(releases - BINDINGS).toBeLessThanOrEqual(8);
      expect(await count(`SELECT count(*) AS n FROM swept.work_items WHERE status <> 'done'`)).toBe(0);
    },
    TIMEOUT_MS,
  );
});
