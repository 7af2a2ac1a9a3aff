export { describeProviderConformance } from './describe-provider-conformance.js';
export {
  conformanceCases,
  CONFORMANCE_CASE_TITLES,
  type ConformanceCaseRunner,
} from './conformance-cases.js';
export {
  CONFORMANCE_CASES,
  BINDING_CASES,
  CHARGING_CASES,
  type ChargingCase,
  type ChargingOptions,
  type ConformanceCase,
  type ConformanceBackend,
  type BackendStartContext,
  type ConformanceEnv,
  type ConformanceOptions,
  type ConformanceStore,
  type ForgedCallbackOptions,
  type ConformanceScenarios,
  type ScenarioContext,
  type ScenarioResult,
} from './options.js';
export { ConformanceViolation } from './conformance-violation.js';
export { startCallbackReceiver, type CallbackReceiver, type ReceivedCallback } from './callback-receiver.js';
export { DEFAULT_CONFORMANCE_TIMEOUTS, DEFAULT_CUSTOMER } from './harness.js';
export { CONFORMANCE_FAULTS, DEFAULT_GUARD_MS } from './cases/faults-case.js';
export { DEFAULT_DECLINE_CODES } from './cases/decline-case.js';
export { DEFAULT_CHARGE_AMOUNT } from './cases/charging-support.js';
export { FORGED_FIELD } from './cases/forged-callback-case.js';
