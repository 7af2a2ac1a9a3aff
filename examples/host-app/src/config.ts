import { parseConfig } from '@cardbind/core';
import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = optionalText.pipe(z.url().optional());

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The host app's environment. Every provider variable is optional: a provider whose base URL is unset
 * runs on its built-in emulator on loopback, so `pnpm demo` needs no configuration at all. Setting the
 * base URL points the app at a real sandbox, and then that provider's credentials become required.
 */
export const HostAppEnv = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    /** The address customers' browsers and providers reach the app at; default `http://localhost:{PORT}`. */
    PUBLIC_URL: optionalUrl,
    /** Key of the session cookie's HMAC; default: random per process (sessions end on restart). */
    SESSION_SECRET: optionalText.pipe(z.string().min(32).optional()),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),

    PAYTURE_BASE_URL: optionalUrl,
    PAYTURE_ADD_TERMINAL: optionalText,
    PAYTURE_TERMINAL_PASSWORD: optionalText,
    PAYTURE_CUSTOMER_SECRET: optionalText,

    PAYONLINE_BASE_URL: optionalUrl,
    PAYONLINE_MERCHANT_ID: optionalText,
    PAYONLINE_PRIVATE_SECURITY_KEY: optionalText,

    /** The seed's rule: an order still open this long after it started is reported as failed. */
    BINDING_DEADLINE_MS: count(300_000),
    /** How often the page asks for a binding's status (the seed's client polls every ~3 s). */
    POLL_INTERVAL_MS: count(3_000),
    /** Starting bindings is rate-limited per customer, as the seed's backend recommends. */
    START_RATE_LIMIT: count(5),
    START_RATE_WINDOW_MS: count(60_000),
  })
  .superRefine((env, ctx) => {
    const requireWith = (base: keyof typeof env, names: readonly (keyof typeof env)[]) => {
      if (env[base] === undefined) return;
      for (const name of names) {
        if (env[name] === undefined) {
          ctx.addIssue({ code: 'custom', path: [name], message: `is required when ${base} is set` });
        }
      }
    };
    requireWith('PAYTURE_BASE_URL', [
      'PAYTURE_ADD_TERMINAL',
      'PAYTURE_TERMINAL_PASSWORD',
      'PAYTURE_CUSTOMER_SECRET',
    ]);
    requireWith('PAYONLINE_BASE_URL', ['PAYONLINE_MERCHANT_ID', 'PAYONLINE_PRIVATE_SECURITY_KEY']);
  });
export type HostAppEnv = z.output<typeof HostAppEnv>;
export type HostAppEnvInput = z.input<typeof HostAppEnv>;

/** Parses the environment; a bad variable fails with CONFIG_INVALID naming it (never its value). */
export function parseHostAppEnv(env: Record<string, string | undefined> | HostAppEnvInput): HostAppEnv {
  return parseConfig(HostAppEnv, env, 'host app environment');
}
