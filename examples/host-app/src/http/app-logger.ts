import { Redactor } from '@cardbind/core';
import { PAYONLINE_REDACTION } from '@cardbind/provider-payonline';
import { PAYTURE_REDACTION } from '@cardbind/provider-payture';
import type { FastifyServerOptions } from 'fastify';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

type PinoOptions = Exclude<NonNullable<FastifyServerOptions['logger']>, boolean>;

/**
 * The host's own lines (request URLs with a callback's query, unexpected errors) are redacted with the
 * same rules as cardbind's: the generic ones and both providers' wire names.
 */
export const hostRedactor = new Redactor([PAYTURE_REDACTION, PAYONLINE_REDACTION]);

/**
 * Pino options for the app's logger. Every argument of every log call passes through cardbind's
 * `redact` first, so the host's own lines (request URLs, unexpected errors) get the same guarantee
 * as the library's: no card number, CVV, password or key ever reaches the log.
 */
export function appLoggerOptions(level: LogLevel, stream?: NodeJS.WritableStream): PinoOptions {
  return {
    level,
    ...(stream === undefined ? {} : { stream }),
    hooks: {
      logMethod(args, method) {
        const safe = args.map((arg: unknown) =>
          typeof arg === 'string' ? hostRedactor.redactText(arg) : hostRedactor.redact(arg),
        );
        // pino's LogFn is overloaded; spreading the redacted copies keeps its calling convention.
        Reflect.apply(method, this, safe);
      },
    },
  };
}
