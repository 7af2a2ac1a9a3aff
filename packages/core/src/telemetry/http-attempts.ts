import type { Attributes, Context, Span } from '@opentelemetry/api';
import type { AfterResponseHook, BeforeRequestHook, RequestError } from 'got';
import type { Redactor } from '../redaction/redact.js';
import { TelemetryAttributes } from './attribute-names.js';
import { cardbindInstruments } from './instruments.js';
import { markError } from './operation-span.js';
import type { OtelApi } from './otel-api.js';
import { cardbindTracer } from './tracer.js';

/** Where a request's attempts live in got's per-request `context`, which every hook can read. */
export const ATTEMPTS_CONTEXT_KEY = 'cardbindAttempts';

export interface AttemptTarget {
  /** The client's name: the provider id. */
  client: string;
  method: string;
  /** The URL as sent, query included: only its redacted form reaches a span. */
  url: string;
  command: string | undefined;
  redactor: Redactor;
}

/**
 * The spans and durations of one request's HTTP attempts, following OpenTelemetry's HTTP client
 * conventions: a CLIENT span per attempt (a retry is another span with `http.request.resend_count`),
 * each a child of the operation that was active when the request was made.
 */
export class HttpAttempts {
  // got runs its hooks after awaits of its own: the caller's span is taken while it is still active.
  readonly #parent: Context;
  #span: Span | undefined;
  #startedAt = 0;

  /** `api`: the loaded OpenTelemetry API (the client loads it with got, before its first request). */
  constructor(
    private readonly api: OtelApi,
    private readonly target: AttemptTarget,
  ) {
    this.#parent = api.context.active();
  }

  begin(url: URL | string | undefined, resendCount: number): void {
    if (this.#span) this.#end(undefined, '_OTHER');
    const { client, method, command } = this.target;
    const span = cardbindTracer(this.api).startSpan(method, { kind: this.api.SpanKind.CLIENT }, this.#parent);
    if (span.isRecording()) {
      const parsed = url instanceof URL ? url : new URL(url ?? this.target.url);
      span.setAttribute(TelemetryAttributes.httpMethod, method);
      span.setAttribute(TelemetryAttributes.serverAddress, parsed.hostname.replace(/^\[|\]$/g, ''));
      span.setAttribute(TelemetryAttributes.serverPort, port(parsed));
      // Payture and PayOnline put passwords and keys in queries: the transcripts' redaction applies.
      span.setAttribute(TelemetryAttributes.urlFull, this.target.redactor.redactText(this.target.url));
      if (resendCount > 0) span.setAttribute(TelemetryAttributes.httpResendCount, resendCount);
      span.setAttribute(TelemetryAttributes.provider, client);
      if (command !== undefined) span.setAttribute(TelemetryAttributes.command, command);
    }
    this.#span = span;
    this.#startedAt = performance.now();
  }

  answered(statusCode: number): void {
    this.#end(statusCode, statusCode >= 400 ? String(statusCode) : undefined);
  }

  /** An attempt that got no answer: got's code (`ETIMEDOUT`, `ECONNRESET`...) is the error type. */
  failed(code: string): void {
    this.#end(undefined, code);
  }

  /** Ends an attempt nothing else ended (got gave up before a hook saw the outcome). */
  close(): void {
    if (this.#span) this.#end(undefined, '_OTHER');
  }

  #end(statusCode: number | undefined, errorType: string | undefined): void {
    const span = this.#span;
    if (!span) return;
    this.#span = undefined;
    if (span.isRecording()) {
      if (statusCode !== undefined) span.setAttribute(TelemetryAttributes.httpStatusCode, statusCode);
      if (errorType !== undefined) markError(span, errorType);
    }
    span.end();
    const { client, method, command } = this.target;
    const attributes: Attributes = {
      [TelemetryAttributes.provider]: client,
      [TelemetryAttributes.httpMethod]: method,
    };
    if (command !== undefined) attributes[TelemetryAttributes.command] = command;
    if (statusCode !== undefined) attributes[TelemetryAttributes.httpStatusCode] = statusCode;
    if (errorType !== undefined) attributes[TelemetryAttributes.errorType] = errorType;
    cardbindInstruments(this.api).providerRequestDuration.record(
      (performance.now() - this.#startedAt) / 1000,
      attributes,
    );
  }
}

function port(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function attemptsIn(requestContext: Record<string, unknown>): HttpAttempts | undefined {
  const attempts = requestContext[ATTEMPTS_CONTEXT_KEY];
  return attempts instanceof HttpAttempts ? attempts : undefined;
}

const beginAttempt: BeforeRequestHook = (options, { retryCount }) => {
  attemptsIn(options.context)?.begin(options.url, retryCount);
};

const endAttempt: AfterResponseHook = (response) => {
  attemptsIn(response.request.options.context)?.answered(response.statusCode);
  return response;
};

/** got's hooks for every client, made once: each reads its request's attempts from the context. */
export const attemptHooks = { beforeRequest: [beginAttempt], afterResponse: [endAttempt] };

/**
 * An attempt that failed without an answer. got decides about a retry (calling `calculateDelay`) as
 * soon as an attempt fails, before any backoff, which is when its span ends.
 */
export function attemptFailed(error: RequestError): void {
  attemptsIn(error.options.context)?.failed(error.code);
}
