import type { ChargeStoreContractCase } from './charge-store-contract-case.js';

/**
 * A store broke the ChargeStore contract. The message starts with the case (`[race] ...`) and says
 * what the port promises and what the store did instead.
 */
export class ChargeStoreContractViolation extends Error {
  override readonly name = 'ChargeStoreContractViolation';
  constructor(
    readonly chargeStoreContractCase: ChargeStoreContractCase,
    message: string,
  ) {
    super(`[${chargeStoreContractCase}] ${message}`);
  }
}

/** Throws a ChargeStoreContractViolation unless `condition` holds. */
export function holds(
  contractCase: ChargeStoreContractCase,
  condition: boolean,
  message: string | (() => string),
): asserts condition {
  if (!condition) {
    throw new ChargeStoreContractViolation(contractCase, typeof message === 'string' ? message : message());
  }
}
