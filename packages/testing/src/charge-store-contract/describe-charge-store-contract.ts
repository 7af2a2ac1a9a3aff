import { describe, it } from 'vitest';
import {
  CHARGE_STORE_CONTRACT_CASE_TITLES,
  CHARGE_STORE_CONTRACT_CASES,
} from './charge-store-contract-case.js';
import { chargeStoreContractCases } from './charge-store-contract-cases.js';
import type { ChargeStoreContractOptions, ChargeStoreFactory } from './charge-store-under-test.js';

// Generous for a loaded CI machine and a server over the network: listCharges writes 105 charges,
// the race cases issue 20 creates and 10 retrying refunds at once.
const CASE_TIMEOUT_MS = 60_000;

/**
 * Registers the ChargeStore contract suite with vitest: one `it` per rule of the port (see
 * CHARGE_STORE_CONTRACT_CASES), each on a fresh store from `factory`, closed after the case.
 *
 * ```ts
 * describeChargeStoreContract('AcmeChargeStore on PostgreSQL', async () => {
 *   const pool = new Pool({ connectionString: process.env.DATABASE_URL });
 *   return { store: new AcmeChargeStore(pool), close: async () => void (await pool.end()) };
 * });
 * ```
 *
 * A skipped case is registered as `it.skip` with its reason in the title, and the reason is printed.
 */
export function describeChargeStoreContract(
  name: string,
  factory: ChargeStoreFactory,
  options: ChargeStoreContractOptions = {},
): void {
  for (const contractCase of CHARGE_STORE_CONTRACT_CASES) {
    const reason = options.skip?.[contractCase];
    if (reason === undefined) continue;
    if (reason.trim() === '') throw new TypeError(`skip.${contractCase} needs a reason`);
    // eslint-disable-next-line no-console -- a skipped contract case must be visible in every run's output
    console.warn(`[charge store contract] ${name}: "${contractCase}" skipped: ${reason}`);
  }
  describe(`${name}: ChargeStore contract`, () => {
    for (const contractCase of CHARGE_STORE_CONTRACT_CASES) {
      const title = CHARGE_STORE_CONTRACT_CASE_TITLES[contractCase];
      const reason = options.skip?.[contractCase];
      if (reason !== undefined) it.skip(`${title} — skipped: ${reason}`, () => undefined);
      else it(title, () => chargeStoreContractCases[contractCase](factory), CASE_TIMEOUT_MS);
    }
  });
}
