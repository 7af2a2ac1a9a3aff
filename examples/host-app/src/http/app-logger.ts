import { redact, redactText } from '@cardbind/core';
import type { FastifyServerOptions } from 'fastify';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

type PinoOptions = Exclude<NonNullable<FastifyServerOptions['logger']>, boolean>;

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
        const safe = args.map((arg: unknown) => (typeof arg === 'string' ? redactText(arg) : redact(arg)));
        // pino's LogFn is overloaded; spreading the redacted copies keeps its calling convention.
        Reflect.apply(method, this, safe);
      },
    },
  };
}
