import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Secret } from '@cardbind/core';
import type { TokenKeysInput } from '@cardbind/store-postgres';
import { z } from 'zod';

/** Where the bench finds a PostgreSQL server when it is not the machine's own. */
export const BENCH_DATABASE_URL_VARIABLE = 'CARDBIND_BENCH_DATABASE_URL';
/** The server the project's machines run (trust auth), the same default as the tests'. */
const LOCAL_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** A loopback server answers in milliseconds; a missing one must not hold up the run. */
const PROBE_TIMEOUT_MS = 1_000;

export type BenchServer = { ok: true; adminUrl: string } | { ok: false; reason: string };

const MayCreate = z.object({ may_create: z.boolean() });

async function probe(url: string): Promise<BenchServer> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query(
      'SELECT rolsuper OR rolcreatedb AS may_create FROM pg_roles WHERE rolname = current_user',
    );
    return MayCreate.parse(result.rows[0]).may_create
      ? { ok: true, adminUrl: url }
      : { ok: false, reason: `${describeUrl(url)}: its role may not create databases` };
  } catch (error) {
    const message = error instanceof Error ? error.message || error.name : String(error);
    return { ok: false, reason: `${describeUrl(url)}: ${message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

let found: Promise<BenchServer> | undefined;

/**
 * The server for the PostgreSQL rows: CARDBIND_BENCH_DATABASE_URL when set, else the machine's own on
 * 127.0.0.1:5432. Asked once per run. No server is no failure: the bench is not a test, so those rows
 * are skipped with the reason and the in-process rows (memory, PGlite) still run.
 */
export function findBenchServer(): Promise<BenchServer> {
  const chosen = process.env[BENCH_DATABASE_URL_VARIABLE]?.trim();
  found ??= probe(chosen || LOCAL_SERVER_URL).then((server) => {
    if (server.ok) return server;
    const reason = chosen
      ? `${BENCH_DATABASE_URL_VARIABLE} does not work: ${server.reason}`
      : `no PostgreSQL server (${server.reason}); set ${BENCH_DATABASE_URL_VARIABLE}`;
    return { ok: false, reason };
  });
  return found;
}

/** The URL with its password hidden: a connection string is a credential. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparseable URL)';
  }
}

export interface ScratchDatabase {
  url: string;
  /** Host and port, for a proxy in front of the server. */
  host: string;
  port: number;
  drop(): Promise<void>;
}

/**
 * A database of the bench's own next to the admin URL's, dropped (with its connections) when the
 * scenario ends: nothing the bench writes outlives it, and other users' databases are never touched.
 */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `cardbind_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 5432),
    async drop() {
      const dropper = new pg.Client({ connectionString: adminUrl });
      dropper.on('error', () => undefined);
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * A pool on the scratch database that survives a server closing an idle connection. `settings` are
 * server settings for its sessions (`-c synchronous_commit=off`), sent in the startup message.
 */
export function benchPool(url: string, max: number, settings?: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 10_000,
    ...(settings === undefined ? {} : { options: settings }),
  });
  pool.on('error', () => undefined);
  return pool;
}

/** Fresh random keys for a store, as a host configures them (never from the repository). */
export function benchStoreKeys(): TokenKeysInput {
  const key = (): Secret => new Secret(randomBytes(32).toString('base64'));
  return { currentKeyId: 'bench', keys: { bench: key() }, fingerprintKey: key() };
}
