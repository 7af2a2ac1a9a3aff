import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { NewWorkItem } from '@cardbind/core';
import { describeBindingStoreContract } from '@cardbind/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteBindingStore, LATEST_SCHEMA_VERSION } from '../src/index.js';
import {
  bindingRecord,
  creationAudit,
  newToken,
  savedCard,
  testKeys,
  transitionAudit,
} from './support/fixtures.js';

// PGlite's first open of a data folder runs initdb (3-5 s on these machines); a reopen takes ~0.5 s. So
// the file shares one file-backed instance: the contract cases run on it, then it is reopened from disk.
const OPEN_TIMEOUT_MS = 60_000;
const keys = testKeys(['k1']);
let dataDir: string;
let shared: PGlite | undefined;
const survivor = bindingRecord({ idempotencyKey: 'survives' });
const survivorToken = newToken();
const survivorEvent: NewWorkItem = {
  id: `evt_${survivor.id}.1`,
  kind: 'binding.event',
  bindingId: survivor.id,
  payload: { to: 'succeeded' },
  runAt: survivor.updatedAt,
  deadline: new Date(survivor.updatedAt.getTime() + 86_400_000),
};

async function sharedPglite(): Promise<PGlite> {
  // The storeUnavailable case closes the instance; a case after it would get a fresh one.
  if (shared === undefined || shared.closed) shared = await PGlite.create({ dataDir });
  return shared;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cardbind-pglite-'));
  const store = await createPgliteBindingStore({ pglite: await sharedPglite(), keys: keys.config });
  await store.create(survivor, creationAudit(survivor));
  await store.update(
    survivor.id,
    0,
    { status: 'succeeded', updatedAt: survivor.updatedAt },
    {
      card: savedCard(survivor, survivorToken),
      audit: transitionAudit(survivor, 'succeeded'),
      work: [survivorEvent],
    },
  );
}, OPEN_TIMEOUT_MS);

afterAll(async () => {
  if (shared && !shared.closed) await shared.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describeBindingStoreContract('PostgresBindingStore on PGlite', async () => {
  const pglite = await sharedPglite();
  const store = await createPgliteBindingStore({ pglite, keys: keys.config });
  return {
    store,
    close: () => store.close(), // the instance is the file's, not the store's
    breakStore: () => pglite.close(),
    secrets: keys.material,
  };
});

describe('PGlite, file-backed', () => {
  it(
    'a reopened data folder holds the bindings, cards (decrypted), audit rows and pending work written before',
    async () => {
      if (shared && !shared.closed) await shared.close();
      const store = await createPgliteBindingStore({ dataDir, keys: keys.config });
      try {
        const record = await store.findByIdempotencyKey(survivor.customer.id, 'survives');
        expect(record).toMatchObject({ id: survivor.id, status: 'succeeded', version: 1 });
        const cards = await store.listCards(survivor.customer.id);
        expect(cards.map((card) => card.token)).toEqual([survivorToken]);
        expect(await store.listAudit(survivor.id)).toHaveLength(2);
        // The event the process wrote with the transition is still there to deliver after a restart.
        // (The contract cases' claims in between may have leased it too: claim after any such lease.)
        const [pending] = await store.claimWork({
          now: new Date('2030-01-01T00:00:00Z'),
          owner: 'after-restart',
          leaseMs: 60_000,
          limit: 10,
          ids: [survivorEvent.id],
        });
        expect(pending).toMatchObject({
          id: survivorEvent.id,
          status: 'running',
          payload: { to: 'succeeded' },
        });
        expect(await store.migrate()).toEqual({
          from: LATEST_SCHEMA_VERSION,
          to: LATEST_SCHEMA_VERSION,
          applied: [],
        });
      } finally {
        await store.close();
      }
    },
    OPEN_TIMEOUT_MS,
  );
});
