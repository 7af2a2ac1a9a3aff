export { Fault, TRANSPORT_FAULTS, type FaultInput } from './faults/fault.js';
export { FaultSwitchboard } from './faults/fault-switchboard.js';
export { applyTransportFault } from './faults/apply-transport-fault.js';
export { startHttpServer, type RunningServer, type RequestHandler } from './http/start-http-server.js';
export { readBody, readFields } from './http/read-request.js';
export { recordingHttpClient } from './http/recording-http-client.js';
export { ManualClock, SequentialIdGenerator } from '@cardbind/core/testing-doubles';
export { TEST_CARDS, testCardSecrets, type TestCard, type TestCardName } from './cards/test-cards.js';
export {
  captureFlow,
  type CapturedFlow,
  type CapturedLogLine,
  type CapturedRecord,
  type CapturedPlace,
  type LogLevel,
} from './capture/capture-flow.js';
export {
  expectNoSecrets,
  findSecrets,
  SecretLeakError,
  type NamedSecret,
  type SecretSighting,
} from './capture/expect-no-secrets.js';
export {
  startFaultProxy,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultPlanEntry,
  type ProxiedRequest,
} from './fault-proxy/start-fault-proxy.js';
export * from './conformance/index.js';
export * from './store-contract/index.js';
export * from './charge-store-contract/index.js';
export * from './payture/index.js';
export * from './payonline/index.js';
