import type { Counter, Histogram, MeterProvider } from '@opentelemetry/api';
import { TelemetryMetrics } from './attribute-names.js';
import { loadedOtelApi, loadOtelApi, type OtelApi } from './otel-api.js';
import { CORE_VERSION, TELEMETRY_SCOPE } from './scope.js';
import { observeWorkItems } from './work-gauge.js';

export interface Instruments {
  bindingsStarted: Counter;
  bindingsEnded: Counter;
  chargesStarted: Counter;
  chargesEnded: Counter;
  providerRequestDuration: Histogram;
}

// OpenTelemetry's advice for HTTP client durations: the SDK's default buckets are sized for milliseconds.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

let provider: MeterProvider | undefined;
let instruments: Instruments | undefined;

/**
 * cardbind's instruments, made once per global meter provider. The metrics API has no proxy: a meter
 * taken before the host registers its SDK stays a no-op for good, so the provider is looked up on each
 * use (one global read) and the instruments made again when it changed.
 */
export function cardbindInstruments(api: OtelApi): Instruments {
  const current = api.metrics.getMeterProvider();
  if (instruments === undefined || current !== provider) {
    provider = current;
    instruments = createInstruments(current);
  }
  return instruments;
}

/**
 * Records with cardbind's instruments. Every operation that records runs inside a traced one, which
 * has loaded the API by then; should one not, the value is recorded once the load completes.
 */
export function recordMetric(record: (instruments: Instruments) => void): void {
  const api = loadedOtelApi();
  if (api) record(cardbindInstruments(api));
  else void loadOtelApi().then((loaded) => record(cardbindInstruments(loaded)));
}

function createInstruments(meterProvider: MeterProvider): Instruments {
  const meter = meterProvider.getMeter(TELEMETRY_SCOPE, CORE_VERSION);
  meter
    .createObservableGauge(TelemetryMetrics.workItems, {
      description: 'Background work items waiting (pending) or failed for good, capped per query',
      unit: '{item}',
    })
    .addCallback(observeWorkItems);
  return {
    bindingsStarted: meter.createCounter(TelemetryMetrics.bindingsStarted, {
      description: 'Bindings created (a replayed idempotent start is not counted again)',
      unit: '{binding}',
    }),
    bindingsEnded: meter.createCounter(TelemetryMetrics.bindingsEnded, {
      description: 'Bindings that reached succeeded, failed or expired',
      unit: '{binding}',
    }),
    chargesStarted: meter.createCounter(TelemetryMetrics.chargesStarted, {
      description: 'Charges created',
      unit: '{charge}',
    }),
    chargesEnded: meter.createCounter(TelemetryMetrics.chargesEnded, {
      description: 'Charges that reached succeeded or failed',
      unit: '{charge}',
    }),
    providerRequestDuration: meter.createHistogram(TelemetryMetrics.providerRequestDuration, {
      description: 'Duration of each HTTP attempt to a provider, retries counted separately',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
  };
}
