// Measures the store on a real server: migrate time, CAS latency, bytes per binding.
//   pnpm build && node packages/store-postgres/scripts/measure.mjs postgres://postgres@127.0.0.1:5432/postgres [N]
// Creates (and drops) a scratch database next to the one in the URL.
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Secret, toCardView } from '@cardbind/core';
import { URL } from 'node:url';
import pg from 'pg';
import { createPostgresBindingStore } from '../dist/index.js';

const adminUrl = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.argv[3] ?? 10_000);
const scratch = `cardbind_measure_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratch}`);
const url = new URL(adminUrl);
url.pathname = `/${scratch}`;

const key = () => new Secret(randomBytes(32).toString('base64'));
const keys = { currentKeyId: 'k1', keys: { k1: key() }, fingerprintKey: key() };
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p99 = (values) => values.sort((a, b) => a - b)[Math.floor(values.length * 0.99)];

try {
  let started = performance.now();
  const store = await createPostgresBindingStore({ connectionString: url.toString(), keys });
  const migrateMs = performance.now() - started;
  started = performance.now();
  await store.migrate();
  const noopMigrateMs = performance.now() - started;

  const at = new Date();
  const casMs = [];
  const casWithCardMs = [];
  const createMs = [];
  for (let i = 0; i < N; i += 1) {
    const id = `bnd_${randomUUID()}`;
    const customer = { id: `customer-${i}`, email: `buyer${i}@example.com`, ip: '203.0.113.7' };
    const record = {
      id,
      version: 0,
      provider: 'payture',
      customer,
      status: 'requires_action',
      nextAction: {
        type: 'redirect',
        url: `https://sandbox3.payture.com/vwapi/Pay?SessionId=${randomUUID()}`,
        method: 'GET',
      },
      providerRef: {
        login: `cardbind-${i}`,
        sessionId: randomUUID(),
        cardsBeforeInit: [],
        orderId: randomUUID(),
      },
      lookupKeys: [randomUUID()],
      idempotencyKey: `idem-${i}`,
      returnUrl: 'https://shop.example/cards/return',
      metadata: { order: String(i) },
      createdAt: at,
      updatedAt: at,
      expiresAt: new Date(at.getTime() + 3_600_000),
    };
    const audit = (version, from, to, trigger) => ({
      bindingId: id,
      version,
      from,
      to,
      trigger,
      at,
      requestId: randomUUID(),
      sourceAddress: '203.0.113.7',
    });
    let t = performance.now();
    await store.create(record, audit(0, null, 'requires_action', 'start'));
    createMs.push(performance.now() - t);
    t = performance.now();
    await store.update(
      id,
      0,
      { status: 'processing', updatedAt: at },
      { audit: audit(1, 'requires_action', 'processing', 'return') },
    );
    casMs.push(performance.now() - t);
    const card = {
      id: `card_${randomUUID()}`,
      provider: 'payture',
      customerId: customer.id,
      bindingId: id,
      token: randomUUID(),
      display: { maskedPan: '411111******1111', expiry: '12/30', holder: 'IVAN IVANOV', brand: 'VISA' },
      createdAt: at,
    };
    t = performance.now();
    await store.update(
      id,
      1,
      { status: 'succeeded', card: toCardView(card), updatedAt: at },
      { card, audit: audit(2, 'processing', 'succeeded', 'return') },
    );
    casWithCardMs.push(performance.now() - t);
  }
  await store.close();

  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('VACUUM ANALYZE');
  const sizes = await client.query(
    `SELECT c.relname AS table, pg_total_relation_size(c.oid)::bigint AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'cardbind' AND c.relkind = 'r' ORDER BY 2 DESC`,
  );
  await client.end();
  const total = sizes.rows.reduce((sum, row) => sum + Number(row.bytes), 0);
  console.log(
    JSON.stringify(
      {
        bindings: N,
        migrateFreshMs: Math.round(migrateMs),
        migrateUpToDateMs: Math.round(noopMigrateMs * 10) / 10,
        createMedianMs: median(createMs).toFixed(2),
        casMedianMs: median(casMs).toFixed(2),
        casP99Ms: p99(casMs).toFixed(2),
        casWithCardMedianMs: median(casWithCardMs).toFixed(2),
        tables: Object.fromEntries(sizes.rows.map((row) => [row.table, Number(row.bytes)])),
        bytesPerBinding: Math.round(total / N),
      },
      null,
      2,
    ),
  );
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await admin.end();
}
