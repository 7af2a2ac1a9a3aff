import type { AuditEntry, BindingRecord } from '@cardbind/core';
import { createPostgresBindingStore } from '@cardbind/store-postgres';
import { interleave } from '../measure/interleave.js';
import { ratioSummary } from '../measure/ratio.js';
import { summarise } from '../measure/stats.js';
import { ms, spread } from '../report/format.js';
import type { ResultRow, ScenarioOptions } from '../report/scenario.js';
import { benchPool, benchStoreKeys, type ScratchDatabase } from './bench-server.js';
import { tables } from './floor-binding.js';

const SCHEMA = 'bench_cas';
export const CONTENDERS = 50;

function pendingRecord(id: string): BindingRecord {
  const now = new Date();
  return {
    id,
    version: 0,
    provider: 'payture',
    customer: { id: `cas-${id}` },
    status: 'processing',
    providerRef: {},
    lookupKeys: [],
    metadata: {},
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date(now.getTime() + 60 * 60_000),
  };
}

function audit(bindingId: string, version: number, at: Date): AuditEntry {
  return {
    bindingId,
    version,
    from: version === 0 ? null : 'processing',
    to: 'processing',
    trigger: 'poll',
    at,
  };
}

/**
 * 50 callers update one binding at the same version at once — a return, notifications and polls of
 * 50 instances racing — through the store (a transaction each: the compare-and-set, then the winner's
 * audit row, the losers' read of the winner's record), against 50 bare `UPDATE … WHERE id AND version`
 * statements. Both on one pool of 50 connections, so all 50 reach the server together. Exactly one
 * caller may win each round; the bench stops if not.
 */
export async function casContention(
  { quick }: ScenarioOptions,
  database: ScratchDatabase,
): Promise<ResultRow[]> {
  const pool = benchPool(database.url, CONTENDERS);
  try {
    const store = await createPostgresBindingStore({ pool, keys: benchStoreKeys(), schema: SCHEMA });
    const viaStore = pendingRecord('bnd_cas_store');
    const viaSql = pendingRecord('bnd_cas_sql');
    for (const record of [viaStore, viaSql])
      await store.create(record, audit(record.id, 0, record.createdAt));
    const versions = { store: 0, sql: 0 };
    const t = tables(SCHEMA);

    const storeRound = async (): Promise<number> => {
      const version = versions.store;
      const at = new Date();
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: CONTENDERS }, () =>
          store.update(
            viaStore.id,
            version,
            { status: 'processing', updatedAt: at },
            { audit: audit(viaStore.id, version + 1, at) },
          ),
        ),
      );
      const elapsed = performance.now() - started;
      assertOneWinner(results.filter((result) => result.ok).length, 'store');
      versions.store += 1;
      return elapsed;
    };
    const sqlRound = async (): Promise<number> => {
      const version = versions.sql;
      const at = new Date();
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: CONTENDERS }, () =>
          pool.query(
            `UPDATE ${t.bindings} SET version = version + 1, status = $3, updated_at = $4
              WHERE id = $1 AND version = $2`,
            [viaSql.id, version, 'processing', at],
          ),
        ),
      );
      const elapsed = performance.now() - started;
      assertOneWinner(
        results.reduce((sum, result) => sum + (result.rowCount ?? 0), 0),
        'raw UPDATE',
      );
      versions.sql += 1;
      return elapsed;
    };

    const samples = await interleave(
      [
        { name: 'store', run: storeRound },
        { name: 'sql', run: sqlRound },
      ],
      { warmup: 3, rounds: quick ? 8 : 20 },
    );
    const viaStoreMs = samples['store'] ?? [];
    const viaSqlMs = samples['sql'] ?? [];
    return [
      {
        scenario: '7',
        case: `CAS, ${CONTENDERS} concurrent updates of one version: time per round, store vs bare UPDATE`,
        candidate: `${spread(summarise(viaStoreMs), ms)}, 1 winner every round`,
        baseline: `bare UPDATE ${spread(summarise(viaSqlMs), ms)}, 1 winner`,
        ratio: ratioSummary(viaStoreMs, viaSqlMs),
        goal: 'exactly 1 winner per round',
        // A round with another count of winners has already stopped the bench (assertOneWinner).
        verdict: 'met',
        data: { contenders: CONTENDERS, rounds: viaStoreMs.length, samples },
      },
    ];
  } finally {
    await pool.end();
  }
}

function assertOneWinner(winners: number, arm: string): void {
  if (winners !== 1) {
    throw new Error(`${arm}: ${winners} of ${CONTENDERS} compare-and-sets on one version won (expected 1)`);
  }
}
