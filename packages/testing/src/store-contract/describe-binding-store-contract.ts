import { describe, it } from 'vitest';
import { STORE_CONTRACT_CASE_TITLES, STORE_CONTRACT_CASES } from './store-contract-case.js';
import { storeContractCases } from './store-contract-cases.js';
import type { StoreContractOptions, StoreFactory } from './store-under-test.js';

// Generous for a loaded CI machine and a server over the network; the race case issues 50 updates at once.
const CASE_TIMEOUT_MS = 60_000;

/**
 * Registers the BindingStore contract suite with vitest: one `it` per rule of the port (see
 * STORE_CONTRACT_CASES), each on a fresh store from `factory`, closed after the case.
 *
 * ```ts
 * describeBindingStoreContract('AcmeBindingStore on PostgreSQL', async () => {
 *   const pool = new Pool({ connectionString: process.env.DATABASE_URL });
 *   return {
 *     store: new AcmeBindingStore(pool),
 *     close: async () => void (await pool.end().catch(() => undefined)),
 *     breakStore: () => pool.end(),
 *   };
 * });
 * ```
 *
 * A skipped case is registered as `it.skip` with its reason in the title, and the reason is printed.
 */
export function describeBindingStoreContract(
  name: string,
  factory: StoreFactory,
  options: StoreContractOptions = {},
): void {
  for (const contractCase of STORE_CONTRACT_CASES) {
    const reason = options.skip?.[contractCase];
    if (reason === undefined) continue;
    if (reason.trim() === '') throw new TypeError(`skip.${contractCase} needs a reason`);
    // eslint-disable-next-line no-console -- a skipped contract case must be visible in every run's output
    console.warn(`[store contract] ${name}: "${contractCase}" skipped: ${reason}`);
  }
  describe(`${name}: BindingStore contract`, () => {
    for (const contractCase of STORE_CONTRACT_CASES) {
      const title = STORE_CONTRACT_CASE_TITLES[contractCase];
      const reason = options.skip?.[contractCase];
      if (reason !== undefined) it.skip(`${title} — skipped: ${reason}`, () => undefined);
      else it(title, () => storeContractCases[contractCase](factory), CASE_TIMEOUT_MS);
    }
  });
}
