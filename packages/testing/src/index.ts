export { Fault, TRANSPORT_FAULTS, type FaultInput } from './faults/fault.js';
export { FaultSwitchboard } from './faults/fault-switchboard.js';
export { applyTransportFault } from './faults/apply-transport-fault.js';
export { startHttpServer, type RunningServer, type RequestHandler } from './http/start-http-server.js';
export { readBody, readFields } from './http/read-request.js';
export { ManualClock, SequentialIdGenerator } from '@cardbind/core';
