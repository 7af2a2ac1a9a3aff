export { describeChargeStoreContract } from './describe-charge-store-contract.js';
export {
  chargeStoreContractCases,
  type ChargeStoreContractCaseRunner,
} from './charge-store-contract-cases.js';
export {
  CHARGE_STORE_CONTRACT_CASES,
  CHARGE_STORE_CONTRACT_CASE_TITLES,
  type ChargeStoreContractCase,
} from './charge-store-contract-case.js';
export { ChargeStoreContractViolation } from './charge-store-contract-violation.js';
export type {
  ChargeStoreContractOptions,
  ChargeStoreFactory,
  ChargeStoreUnderTest,
} from './charge-store-under-test.js';
export { RACING_CHARGE_CREATES } from './cases/idempotency-case.js';
export { RACING_CHARGE_UPDATES } from './cases/race-case.js';
export { RACING_REFUNDS } from './cases/refund-race-case.js';
