export { describeBindingStoreContract } from './describe-binding-store-contract.js';
export { storeContractCases, type StoreContractCaseRunner } from './store-contract-cases.js';
export {
  STORE_CONTRACT_CASES,
  STORE_CONTRACT_CASE_TITLES,
  WORK_QUEUE_CASES,
  type StoreContractCase,
} from './store-contract-case.js';
export { StoreContractViolation } from './store-contract-violation.js';
export type { StoreContractOptions, StoreFactory, StoreUnderTest } from './store-under-test.js';
export { RACING_UPDATES } from './cases/race-case.js';
export { RACING_CLAIMS } from './cases/work-claim-race-case.js';
