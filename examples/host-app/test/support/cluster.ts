import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkQueue } from '@cardbind/core';
import { createPostgresBindingStore, type PostgresBindingStore } from '@cardbind/store-postgres';
import {
  type PayOnlineEmulator,
  type PayOnlineEmulatorOptions,
  type PaytureEmulator,
  type PaytureEmulatorOptions,
  startPayOnlineEmulator,
  startPaytureEmulator,
} from '@cardbind/testing/emulators';
import { createTestDatabase, type TestDatabase } from '../../../../test-support/postgres/index.js';
import { newTokenKeyText, TokenKeyList } from '../../src/token-keys.js';
import { type HostProcess, startHostProcess } from './host-process.js';

/**
 * Several example hosts as separate Node processes on one PostgreSQL database, the way they run behind
 * a load balancer: one DATABASE_URL, one set of session keys and token keys, and the same providers
 * (here emulators in the test process, so the test can look at what the providers saw).
 */
export interface Cluster {
  readonly db: TestDatabase;
  readonly payture: PaytureEmulator;
  readonly payonline: PayOnlineEmulator;
  /** The environment every instance shares; `start` adds to it. */
  readonly env: Readonly<Record<string, string>>;
  /** The store as the test sees it (same database, same keys): audit rows and work items. */
  readonly store: PostgresBindingStore;
  start(extra?: Record<string, string>): Promise<HostProcess>;
  close(): Promise<void>;
}

/** Short leases and quick worker rounds, so another instance takes over a dead one's work in seconds. */
export const FAST_WORKER = { WORK_LEASE_MS: '1500', WORKER_IDLE_MS: '200', WORKER_SWEEP_MS: '1000' };

/** Emulator options a file needs beyond the cluster's own (a slow answer that outlasts a kill). */
export interface ClusterOptions {
  payture?: PaytureEmulatorOptions;
  payonline?: PayOnlineEmulatorOptions;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const [db, payture, payonline, dataDir] = await Promise.all([
    createTestDatabase(),
    startPaytureEmulator({
      ...options.payture,
      addTerminal: 'ClusterAdd',
      terminalPassword: 'cluster-terminal-password',
    }),
    startPayOnlineEmulator({
      ...options.payonline,
      merchantId: '2000',
      privateSecurityKey: 'cluster-payonline-private-key',
    }),
    // The instances need no data folder (database, keys and sandboxes are all configured); one that
    // wrote there anyway writes here, never into the developer's .cardbind-demo/.
    mkdtemp(join(tmpdir(), 'cardbind-cluster-')),
  ]);
  const tokenKeys = newTokenKeyText('cluster-1');
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    CARDBIND_DATA_DIR: dataDir,
    CARDBIND_TOKEN_KEYS: tokenKeys,
    SESSION_SECRETS: 'k1:cluster-session-secret-long-enough-for-hmac',
    PAYTURE_BASE_URL: payture.baseUrl,
    PAYTURE_ADD_TERMINAL: payture.addTerminal,
    PAYTURE_TERMINAL_PASSWORD: payture.terminalPassword,
    PAYTURE_CUSTOMER_SECRET: 'cluster-payture-customer-secret',
    // Without the Pay terminal a Payture card can be saved but never charged.
    PAYTURE_PAY_TERMINAL: payture.payTerminal,
    PAYTURE_PAY_TERMINAL_PASSWORD: payture.payTerminalPassword,
    PAYONLINE_BASE_URL: payonline.baseUrl,
    PAYONLINE_MERCHANT_ID: payonline.merchantId,
    PAYONLINE_PRIVATE_SECURITY_KEY: payonline.privateSecurityKey,
    // A start limit per customer would only get in the way of the racing tests.
    START_RATE_LIMIT: '1000',
    START_RATE_LIMIT_PER_ADDRESS: '1000',
    ...FAST_WORKER,
  };
  const started: HostProcess[] = [];
  let store: PostgresBindingStore | undefined;
  const cluster: Cluster = {
    db,
    payture,
    payonline,
    env,
    get store() {
      if (store === undefined) throw new Error('open the store with openStore() after an instance migrated');
      return store;
    },
    async start(extra = {}) {
      const host = await startHostProcess({ env: { ...env, ...extra } });
      started.push(host);
      // The first instance migrated the schema; the test's own store only checks it.
      store ??= await createPostgresBindingStore({
        connectionString: db.url,
        keys: TokenKeyList.parse(tokenKeys),
        migrate: false,
      });
      return host;
    },
    async close() {
      await Promise.all(started.map((host) => host.stop()));
      await store?.close();
      await Promise.all([payture.close(), payonline.close()]);
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** The store's work queue, once `@cardbind/store-postgres` has one (until then: undefined). */
export function workQueueOf(store: object): WorkQueue | undefined {
  return isWorkQueue(store) ? store : undefined;
}

function isWorkQueue(store: object): store is WorkQueue {
  return ['claimWork', 'listWork', 'listExpiredBindings'].every(
    (method) => typeof Reflect.get(store, method) === 'function',
  );
}

/** Waits until `check` returns something other than undefined, or fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Every debit an emulator took, in order, whatever the order id: the providers' ground truth for "money
 * moved at most once", which no answer (lost, late, replayed) and no count of requests can show.
 */
export function debitsTaken(cluster: Cluster, provider: 'payture' | 'payonline'): string[] {
  return provider === 'payture'
    ? cluster.payture.ledger.filter((entry) => entry.kind === 'debit').map((entry) => entry.orderId)
    : cluster.payonline.operations
        .filter((operation) => operation.kind === 'rebill')
        .map((operation) => operation.orderId);
}
