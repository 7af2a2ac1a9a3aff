import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/**
 * A host's SDK wiring, as docs/operations.md shows it, with in-memory exporters: the context manager
 * (for parent and child spans), a tracer provider and a meter provider, registered globally.
 * `uninstall` undoes every registration, so the next test starts from the API's no-op.
 */
export function installTelemetry() {
  const spans = new InMemorySpanExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exported when a test asks (forceFlush), never on a timer.
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);

  /** The latest cumulative value of every data point of `name`. */
  const points = async (name: string): Promise<DataPoint<unknown>[]> => {
    metricExporter.reset();
    await reader.forceFlush();
    const exported = metricExporter.getMetrics().at(-1);
    return (exported?.scopeMetrics ?? [])
      .flatMap((scope) => scope.metrics)
      .filter((metric) => metric.descriptor.name === name)
      .flatMap((metric): readonly DataPoint<unknown>[] => metric.dataPoints);
  };

  return {
    spans,
    points,
    /** Every exported metric, as text: for asserting what labels never hold. */
    async metricsText(): Promise<string> {
      metricExporter.reset();
      await reader.forceFlush();
      return JSON.stringify(metricExporter.getMetrics());
    },
    finished: (): ReadableSpan[] => spans.getFinishedSpans(),
    named: (name: string): ReadableSpan[] => spans.getFinishedSpans().filter((span) => span.name === name),
    async uninstall(): Promise<void> {
      trace.disable();
      metrics.disable();
      context.disable();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

export type Telemetry = ReturnType<typeof installTelemetry>;

/** The one span named `name`; fails the test when there is none or more. */
export function only(telemetry: Telemetry, name: string): ReadableSpan {
  const found = telemetry.named(name);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${name} span, got ${found.length}: ${telemetry
        .finished()
        .map((s) => s.name)
        .join(', ')}`,
    );
  }
  const [span] = found;
  if (!span) throw new Error(`no ${name} span`);
  return span;
}

/** `child`'s parent is `parent`, in the same trace. */
export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    child.parentSpanContext?.spanId === parent.spanContext().spanId &&
    child.spanContext().traceId === parent.spanContext().traceId
  );
}

/** A data point's value when it is a plain number (a counter's, a gauge's). */
export function valueOf(point: DataPoint<unknown> | undefined): number | undefined {
  return typeof point?.value === 'number' ? point.value : undefined;
}
