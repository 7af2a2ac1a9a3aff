/**
 * The emulators and their plumbing without the vitest-bound conformance suite, for programs that run
 * outside a test runner (the example host app's `pnpm demo`, benchmarks).
 */
export { Fault, TRANSPORT_FAULTS, type FaultInput } from './faults/fault.js';
export { FaultSwitchboard } from './faults/fault-switchboard.js';
export { applyTransportFault } from './faults/apply-transport-fault.js';
export { startHttpServer, type RunningServer, type RequestHandler } from './http/start-http-server.js';
export { readBody, readFields } from './http/read-request.js';
export { TEST_CARDS, testCardSecrets, type TestCard, type TestCardName } from './cards/test-cards.js';
export * from './payture/index.js';
export * from './payonline/index.js';
