import type { Tracer, TracerProvider } from '@opentelemetry/api';
import type { OtelApi } from './otel-api.js';
import { CORE_VERSION, TELEMETRY_SCOPE } from './scope.js';

let provider: TracerProvider | undefined;
let tracer: Tracer | undefined;

/**
 * cardbind's tracer, got once per global provider. The API's tracer keeps delegating to the first SDK
 * it met, so after `trace.disable()` and a new registration (tests, a host that swaps SDKs) it is
 * fetched again; otherwise this is one global lookup per operation.
 */
export function cardbindTracer(api: OtelApi): Tracer {
  const current = api.trace.getTracerProvider();
  if (tracer === undefined || current !== provider) {
    provider = current;
    tracer = current.getTracer(TELEMETRY_SCOPE, CORE_VERSION);
  }
  return tracer;
}
