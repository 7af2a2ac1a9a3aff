import type { StoreContractCase } from './store-contract-case.js';

/**
 * A store broke the BindingStore contract. The message starts with the case (`[race] ...`) and says
 * what the port promises and what the store did instead.
 */
export class StoreContractViolation extends Error {
  override readonly name = 'StoreContractViolation';
  constructor(
    readonly storeContractCase: StoreContractCase,
    message: string,
  ) {
    super(`[${storeContractCase}] ${message}`);
  }
}

/** Throws a StoreContractViolation unless `condition` holds. */
export function holds(
  storeContractCase: StoreContractCase,
  condition: boolean,
  message: string | (() => string),
): asserts condition {
  if (!condition) {
    throw new StoreContractViolation(storeContractCase, typeof message === 'string' ? message : message());
  }
}
