import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type * as GotExports from 'got';
import type { ExtendOptions, Got } from 'got';
import { z } from 'zod';
import { CardBindingError } from '../errors.js';
import { type Logger, redactingLogger, silentLogger } from '../ports/logger.js';
import { genericRedactor, type Redactor } from '../redaction/redact.js';
import {
  ATTEMPTS_CONTEXT_KEY,
  attemptFailed,
  attemptHooks,
  HttpAttempts,
} from '../telemetry/http-attempts.js';
import { loadOtelApi, type OtelApi } from '../telemetry/otel-api.js';

export const HttpTimeouts = z.object({
  /** TCP (and TLS) connect. */
  connectMs: z.number().int().positive().default(5_000),
  /** From the request written to the first byte of the answer. */
  responseMs: z.number().int().positive().default(15_000),
  /** The whole exchange, retries excluded. */
  totalMs: z.number().int().positive().default(30_000),
});
export type HttpTimeouts = z.infer<typeof HttpTimeouts>;

export const HttpClientOptions = z.object({
  /** Shown in transcripts and errors: usually the provider id. */
  name: z.string().min(1),
  // `prefault`: the defaults are parsed with the host's options, not at import (zod compiles a schema
  // on its first parse), and each parse gets an object of its own.
  timeouts: HttpTimeouts.prefault({}),
  /** Extra attempts for requests marked `safeToRetry`; others are never repeated. */
  retries: z.number().int().min(0).max(5).default(2),
  maxSockets: z.number().int().positive().default(64),
  /** Longest answer body kept in a transcript line. */
  transcriptBodyLimit: z.number().int().positive().default(2_048),
});
export type HttpClientOptionsInput = z.input<typeof HttpClientOptions> & {
  logger?: Logger;
  /** The redaction for transcripts and error causes: a provider passes `ProviderDependencies.redactor`. */
  redactor?: Redactor;
};

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface HttpRequestBase {
  method: HttpMethod;
  url: string;
  /** Query parameters, for any method. */
  searchParams?: Record<string, string>;
  /**
   * Request headers. Secret ones (`Authorization`, `Cookie`, API keys: redaction's field names) are
   * dropped from transcripts like secret body fields.
   */
  headers?: Record<string, string>;
  /**
   * Requests that may be repeated without effect at the provider (reads like GetList and Search, or a
   * write the gateway de-duplicates by an idempotency key the provider sends): only these are retried.
   */
  safeToRetry?: boolean;
  /** The provider's name for the request (Payture's `Add`): the transcript's and the span's label. */
  command?: string;
}

/** One body at most: a form (`application/x-www-form-urlencoded`, UTF-8) or JSON. */
export type HttpRequest = HttpRequestBase &
  ({ form?: Record<string, string>; json?: never } | { json: unknown; form?: never });

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  durationMs: number;
}

export interface TranscriptEntry {
  client: string;
  method: string;
  command?: string;
  url: string;
  requestHeaders?: Record<string, unknown>;
  requestBody?: string;
  statusCode?: number;
  responseBody?: string;
  durationMs: number;
  error?: string;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Frees the keep-alive sockets. */
  close(): void;
}

const RETRYABLE_ERROR_CODES = [
  'ETIMEDOUT',
  'ECONNRESET',
  'EADDRINUSE',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'ENETUNREACH',
  'EAI_AGAIN',
];

type GotModule = typeof GotExports;

let gotModule: Promise<GotModule> | undefined;

/**
 * got with its dependencies (http2-wrapper, cacheable-request, …) is some sixty modules, about a
 * third of `import('@cardbind/core')` (docs/performance.md, scenario 5): it loads when a host makes its
 * first client, not when it imports core.
 */
function loadGot(): Promise<GotModule> {
  gotModule ??= import('got');
  return gotModule;
}

/** What a client's requests need, loaded in the background as the client is made. */
interface ClientRuntime {
  instance: Got;
  agent: { http: HttpAgent; https: HttpsAgent };
  isRequestError: (error: unknown) => error is InstanceType<GotModule['RequestError']>;
  api: OtelApi;
}

/**
 * A got instance per provider: phase timeouts, a keep-alive agent, retries only for requests marked
 * safe to repeat, and a redacted transcript of every exchange logged at debug level.
 */
export function createHttpClient(input: HttpClientOptionsInput): HttpClient {
  const options = HttpClientOptions.parse(input);
  const redactor = input.redactor ?? genericRedactor;
  const redactText = (text: string): string => redactor.redactText(text);
  const logger = redactingLogger(input.logger ?? silentLogger, redactor);

  const gotOptions: ExtendOptions = {
    throwHttpErrors: false,
    followRedirect: false,
    // In the instance's defaults, not each request's options: got merges every key it is given per request.
    responseType: 'text',
    timeout: {
      connect: options.timeouts.connectMs,
      secureConnect: options.timeouts.connectMs,
      response: options.timeouts.responseMs,
      request: options.timeouts.totalMs,
    },
    retry: {
      limit: options.retries,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      statusCodes: [408, 429, 500, 502, 503, 504],
      errorCodes: RETRYABLE_ERROR_CODES,
      // got would retry any of these; only requests the provider marked safe to repeat are. got asks
      // here as soon as an attempt fails, retried or not: that attempt's span ends now.
      calculateDelay: ({ computedValue, error }) => {
        attemptFailed(error);
        return error.options.context['safeToRetry'] === true ? Math.min(computedValue, 1_000) : 0;
      },
    },
    hooks: attemptHooks,
  };
  let runtime: ClientRuntime | undefined;
  // node:http and node:https too (about 8 ms of a cold start): a host that makes no client needs neither.
  const loading = Promise.all([loadGot(), loadOtelApi(), import('node:http'), import('node:https')]).then(
    ([module, api, http, https]): ClientRuntime => {
      const agent = {
        http: new http.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
        https: new https.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
      };
      runtime = {
        instance: module.got.extend({ ...gotOptions, agent }),
        agent,
        isRequestError: (error) => error instanceof module.RequestError,
        api,
      };
      return runtime;
    },
  );
  // A failed load surfaces on the first request (as PROVIDER_UNAVAILABLE), not as an unhandled rejection.
  loading.catch(() => undefined);

  // Built only for a logger that writes: redacting the bodies was 13 % of a Payture binding's CPU
  // (docs/performance.md, scenario 1).
  const transcript = (entry: () => TranscriptEntry): void => {
    if (logger !== silentLogger) logger.debug({ transcript: entry() }, 'provider http exchange');
  };
  const limit = (body: string): string =>
    body.length > options.transcriptBodyLimit ? `${body.slice(0, options.transcriptBodyLimit)}…` : body;

  return {
    // Before the first load no socket exists: there is nothing to free.
    close: () => {
      runtime?.agent.http.destroy();
      runtime?.agent.https.destroy();
    },
    async request(request) {
      const started = performance.now();
      let ready = runtime;
      const body = encodeBody(request);
      const requestBody = body?.text;
      const url = request.searchParams
        ? `${request.url}${request.url.includes('?') ? '&' : '?'}${new URLSearchParams(request.searchParams).toString()}`
        : request.url;
      let attempts: HttpAttempts | undefined;
      const base = (): Omit<TranscriptEntry, 'durationMs'> => ({
        client: options.name,
        method: request.method,
        ...(request.command === undefined ? {} : { command: request.command }),
        url: redactText(url),
        ...(request.headers === undefined
          ? {}
          : { requestHeaders: redactHeaders(redactor, request.headers) }),
        ...(requestBody === undefined ? {} : { requestBody: redactText(requestBody) }),
      });
      try {
        ready ??= await loading;
        attempts = new HttpAttempts(ready.api, {
          client: options.name,
          method: request.method,
          url,
          command: request.command,
          redactor,
        });
        const response = await ready.instance(url, {
          method: request.method,
          headers:
            body === undefined ? request.headers : { ...request.headers, 'content-type': body.contentType },
          ...(body === undefined ? {} : { body: body.text }),
          context: { safeToRetry: request.safeToRetry === true, [ATTEMPTS_CONTEXT_KEY]: attempts },
        });
        const durationMs = performance.now() - started;
        transcript(() => ({
          ...base(),
          statusCode: response.statusCode,
          responseBody: limit(redactText(response.body)),
          durationMs,
        }));
        if (response.statusCode >= 500) {
          throw new CardBindingError(
            'PROVIDER_UNAVAILABLE',
            `${options.name} answered HTTP ${response.statusCode}`,
            {
              providerCode: `HTTP_${response.statusCode}`,
            },
          );
        }
        return {
          statusCode: response.statusCode,
          headers: response.headers,
          body: response.body,
          durationMs,
        };
      } catch (error) {
        if (error instanceof CardBindingError) throw error;
        const durationMs = performance.now() - started;
        const code = ready !== undefined && ready.isRequestError(error) ? error.code : 'UNKNOWN';
        transcript(() => ({ ...base(), durationMs, error: code }));
        throw new CardBindingError(
          'PROVIDER_UNAVAILABLE',
          `${options.name} could not be reached (${describeTransportError(code)})`,
          {
            providerCode: code,
            // got's RequestError carries the request options, body included: keep only a redacted summary.
            cause: new Error(
              `${code}: ${redactText(error instanceof Error ? error.message : String(error))}`,
            ),
          },
        );
      } finally {
        attempts?.close();
      }
    },
  };
}

function encodeBody(request: HttpRequest): { text: string; contentType: string } | undefined {
  if (request.json !== undefined) {
    return { text: JSON.stringify(request.json), contentType: 'application/json; charset=utf-8' };
  }
  if (request.form !== undefined) {
    return {
      text: new URLSearchParams(request.form).toString(),
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    };
  }
  return undefined;
}

/** Header names are matched like field names (`X-Api-Key` → `xapikey`), values redacted like text. */
function redactHeaders(redactor: Redactor, headers: Record<string, string>): Record<string, unknown> {
  const safe = redactor.redact(headers);
  return typeof safe === 'object' && safe !== null && !Array.isArray(safe) ? { ...safe } : {};
}

function describeTransportError(code: string): string {
  switch (code) {
    case 'ETIMEDOUT':
      return 'timed out';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ECONNREFUSED':
      return 'connection refused';
    default:
      return code;
  }
}
