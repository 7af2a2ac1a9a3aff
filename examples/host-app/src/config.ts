import { parseConfig } from '@cardbind/core';
import { isLoopbackHost } from '@cardbind/core/client';
import { z } from 'zod';
import { SessionKeyList, SessionSecretText } from './http/session-keys.js';
import { TokenKeyList } from './token-keys.js';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = optionalText.pipe(z.url().optional());

/** Addresses and CIDR ranges, as Fastify's `trustProxy` (proxy-addr) takes them. */
const TrustedProxies = z
  .string()
  .transform((text) => text.split(',').map((entry) => entry.trim()))
  .pipe(z.array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()])).min(1));

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A PostgreSQL connection URL. It holds a password, so no message ever quotes it. */
const PostgresUrl = z
  .string()
  .refine((text) => URL.canParse(text) && /^postgres(ql)?:$/.test(new URL(text).protocol), {
    message: 'must be a postgres:// or postgresql:// URL',
  });

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
    /** `production` makes a configured session key mandatory (see the refinement below). */
    NODE_ENV: optionalText,
    /** The session cookie's HMAC key, known as key id `main`; default: random per process. */
    SESSION_SECRET: optionalText.pipe(SessionSecretText.optional()),
    /** Several keys for a rotation, `id:secret,...`, the first current; instead of SESSION_SECRET. */
    SESSION_SECRETS: optionalText.pipe(SessionKeyList.optional()),
    /**
     * `info` by default: that is the level of cardbind's `binding.transition` lines (and `warn` that of
     * `callback.rejected`), the audit trail an operator needs when a customer or a provider disputes
     * what happened. A quieter level drops it.
     */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * The proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For is believed. Unset:
     * none, and the source address is the socket's. Behind a load balancer, name it: otherwise every
     * customer has the balancer's address, in the logs and in the per-address start limit.
     */
    TRUST_PROXY: optionalText.pipe(TrustedProxies.optional()),

    /**
     * Where bindings, cards and sessions live: a PostgreSQL server that every instance shares. Unset: PGlite
     * (PostgreSQL in this process) in `CARDBIND_DATA_DIR`, kept across restarts, one process only.
     */
    DATABASE_URL: optionalText.pipe(PostgresUrl.optional()),
    /**
     * The demo's own folder: PGlite's files and, outside production, the keys it generated once (token
     * keys, session key, the emulators' credentials). Default `.cardbind-demo/` at the repository root.
     */
    CARDBIND_DATA_DIR: optionalText,
    /** The keys that encrypt card tokens at rest (format: `token-keys.ts`). Default: the data folder's. */
    CARDBIND_TOKEN_KEYS: optionalText.pipe(TokenKeyList.optional()),
    /** How long a worker holds a background item before another may take it (a holder that died). */
    WORK_LEASE_MS: count(60_000),
    /** The in-process worker's pause between rounds that found nothing to do. */
    WORKER_IDLE_MS: count(1_000),
    /** How often the worker expires open bindings past their deadline. */
    WORKER_SWEEP_MS: count(30_000),
    /**
     * When the reconciler first asks the provider about a charge whose answer was lost (core's
     * `charges.reconcileAfterMs`): longer than any provider call may take, so the check never races it.
     */
    CHARGE_RECONCILE_AFTER_MS: count(60_000),
    /**
     * Test switch for the crash tests: every provider after-step (PayOnline's void) waits this long first,
     * so a test can kill the process after the card is saved and before the void. Never set it otherwise.
     */
    AFTER_STEP_DELAY_MS: z.coerce.number().int().nonnegative().default(0),

    PAYTURE_BASE_URL: optionalUrl,
    PAYTURE_ADD_TERMINAL: optionalText,
    PAYTURE_TERMINAL_PASSWORD: optionalText,
    PAYTURE_CUSTOMER_SECRET: optionalText,
    /** The Pay terminal's VWID: charging bound cards. Unset with a sandbox: Payture charges nothing. */
    PAYTURE_PAY_TERMINAL: optionalText,
    /** The Pay terminal's password, for refunds. */
    PAYTURE_PAY_TERMINAL_PASSWORD: optionalText,

    PAYONLINE_BASE_URL: optionalUrl,
    PAYONLINE_MERCHANT_ID: optionalText,
    PAYONLINE_PRIVATE_SECURITY_KEY: optionalText,

    /** PayOnline's order deadline: LitRes's form-params spec reports an order still open after 5 minutes as failed. */
    BINDING_DEADLINE_MS: count(300_000),
    /** How often the page asks for a binding's status (LitRes's client polls every ~3 s). */
    POLL_INTERVAL_MS: count(3_000),
    /** Starting bindings is rate-limited per customer, as Behind-API's backend recommends. */
    START_RATE_LIMIT: count(5),
    /**
     * And per source address, so one client cannot multiply its allowance by logging in as many
     * customers. Higher than the per-customer limit: customers behind one office NAT share an address.
     */
    START_RATE_LIMIT_PER_ADDRESS: count(20),
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
    // A password without its terminal would be dropped silently; the emulator needs neither variable.
    requireWith('PAYTURE_PAY_TERMINAL_PASSWORD', ['PAYTURE_PAY_TERMINAL', 'PAYTURE_BASE_URL']);
    // Payture's return URL and PayOnline's term_url are built from PUBLIC_URL, and the providers refuse
    // plain http to anything but loopback, for these and for their base URLs. Checked here so the error
    // names the variable a person set, not the provider option (`termUrl`, `baseUrl`) it turned into.
    for (const name of ['PUBLIC_URL', 'PAYTURE_BASE_URL', 'PAYONLINE_BASE_URL'] as const) {
      const value = env[name];
      // A malformed URL already has its issue, and refinements still run after one.
      if (value === undefined || !URL.canParse(value)) continue;
      const problem = insecureUrlProblem(new URL(value));
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
    if (env.SESSION_SECRET !== undefined && env.SESSION_SECRETS !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRETS'],
        message: 'set SESSION_SECRET or SESSION_SECRETS, not both',
      });
    }
    // A random per-process key ends every session on each restart and deploy, and behind a load
    // balancer each instance refuses the others' cookies: in production that is an outage, not a default.
    if (
      env.NODE_ENV === 'production' &&
      env.SESSION_SECRET === undefined &&
      env.SESSION_SECRETS === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message:
          'is required when NODE_ENV=production (or SESSION_SECRETS): a random per-process key would end every session on restart and break them behind a load balancer',
      });
    }
    // The demo's generated key file lives next to its data on one machine: fine for trying it out, but
    // production keys come from a secret store, the same on every instance, and are backed up apart.
    if (env.NODE_ENV === 'production' && env.CARDBIND_TOKEN_KEYS === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['CARDBIND_TOKEN_KEYS'],
        message:
          'is required when NODE_ENV=production: card tokens are encrypted with these keys, which must come from your secret store and be the same on every instance',
      });
    }
  });
/** Why the providers would refuse this URL (or one built from it), or undefined when they accept it. */
function insecureUrlProblem(url: URL): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return url.protocol === 'http:'
    ? 'must use https (plain http only to a loopback host such as localhost): the providers refuse anything else'
    : 'must be an https URL';
}

export type HostAppEnv = z.output<typeof HostAppEnv>;
export type HostAppEnvInput = z.input<typeof HostAppEnv>;

/** Parses the environment; a bad variable fails with CONFIG_INVALID naming it (never its value). */
export function parseHostAppEnv(env: Record<string, string | undefined> | HostAppEnvInput): HostAppEnv {
  return parseConfig(HostAppEnv, env, 'host app environment');
}
