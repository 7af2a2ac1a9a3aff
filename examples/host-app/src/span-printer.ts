import type { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/** The environment variable that turns the span printer on: `CARDBIND_TRACE=console pnpm demo`. */
export const TRACE_VARIABLE = 'CARDBIND_TRACE';

/**
 * Prints every finished span as one JSON line: what a host sees in its tracing backend, without one.
 * The attributes are cardbind's own (already redacted by core, `docs/operations.md`); nothing else of
 * the span is printed. A real host registers its exporter the same way instead.
 */
class LineSpanExporter implements SpanExporter {
  constructor(private readonly out: Writable) {}

  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    for (const span of spans) {
      const [seconds, nanos] = span.duration;
      this.out.write(
        `${JSON.stringify({
          span: span.name,
          traceId: span.spanContext().traceId,
          spanId: span.spanContext().spanId,
          parentSpanId: span.parentSpanContext?.spanId,
          ms: Math.round((seconds * 1e3 + nanos / 1e6) * 10) / 10,
          status: span.status.code,
          attributes: span.attributes,
        })}\n`,
      );
    }
    done({ code: 0 });
  }

  async shutdown(): Promise<void> {}
}

/**
 * Registers a tracer provider that prints spans to `out` when `env` asks for it; answers how to undo it.
 * The context manager makes a provider's HTTP spans children of the service operation that caused them.
 */
export function installSpanPrinter(
  env: Readonly<Record<string, string | undefined>>,
  out: Writable,
): (() => void) | undefined {
  if (env[TRACE_VARIABLE] !== 'console') return undefined;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new LineSpanExporter(out))] }),
  );
  return () => {
    trace.disable();
    context.disable();
  };
}
