import { HttpTimeouts, Secret } from '@cardbind/core';
import { assertSecureUrl } from '@cardbind/core/client';
import { z } from 'zod';

const SecretInput = z.union([z.string().min(1), z.instanceof(Secret)]).transform((value) => Secret.of(value));

/**
 * How a cardbind customer becomes a Payture customer. Payture wants a login and a password per customer;
 * both are derived from the customer id, so nothing has to be stored and the password never is.
 */
export const CustomerCredentialsConfig = z
  .object({
    /** Key of the HMAC-SHA-256 that derives each customer's password (the default scheme). */
    secret: z
      .union([z.string().min(16, 'must be at least 16 characters'), z.instanceof(Secret)])
      .transform((value) => Secret.of(value))
      .optional(),
    /**
     * The Behind-API backend's scheme, MD5 of `{customerId}{salt}`, so that customers it registered keep
     * their passwords. Weak; use only while such customers exist.
     */
    legacyMd5Salt: SecretInput.optional(),
    /** `{customerId}` is replaced by the customer id. Payture logins are 1..50 characters. */
    loginTemplate: z
      .string()
      .min(1)
      .refine((template) => template.includes('{customerId}'), 'must contain {customerId}')
      .refine((template) => !template.includes(';'), 'must not contain ";"')
      .default('customer-{customerId}'),
  })
  .refine((value) => (value.secret === undefined) !== (value.legacyMd5Salt === undefined), {
    message: 'set exactly one of secret and legacyMd5Salt',
    path: ['secret'],
  });
export type CustomerCredentialsConfig = z.output<typeof CustomerCredentialsConfig>;

const UrlString = z.string().url();

export const PaytureConfig = z
  .object({
    /** `https://sandbox3.payture.com`, `https://secure.payture.com`...: never a constant in code. */
    baseUrl: UrlString.transform((url) => url.replace(/\/+$/, '')),
    /** Allow `http://` to a loopback host (emulators, local development). Off in production. */
    allowLoopbackHttp: z.boolean().default(false),
    /** VWID of the Add terminal (Payture issues separate Add and Pay terminals). */
    addTerminal: z.string().min(1).max(100),
    /** The terminal password; only the Delete command needs it. */
    terminalPassword: SecretInput.optional(),
    /**
     * VWID of the Pay terminal, which Payture issues apart from the Add terminal for recurring and
     * one-click payments (charging.md, "Recurring payment, merchant side"). Without it the provider
     * binds cards but charges none: `charge` fails with NOT_SUPPORTED before any request.
     */
    payTerminal: z.string().min(1).max(100).optional(),
    /** The Pay terminal's password, which Refund sends inside DATA (charging.md, "Refund"). */
    payTerminalPassword: SecretInput.optional(),
    customerCredentials: CustomerCredentialsConfig,
    language: z.enum(['RU', 'EN']).optional(),
    /** Which page template Payture shows (configured at Payture). */
    templateTag: z.string().min(1).max(100).optional(),
    /** A verification hold in kopecks, for terminals configured to hold one on Add (Behind-API: 1000). */
    verificationAmount: z.number().int().positive().optional(),
    /** Used when Init's answer does not say SessionLifeTime. Payture's default is 60. */
    sessionLifetimeMinutes: z
      .number()
      .int()
      .positive()
      .max(24 * 60)
      .default(60),
    /** Where Payture sends the customer back when `start()` gives no returnUrl. */
    returnUrl: UrlString.optional(),
    /** Payture requires the customer's IP in Init; used when the customer has none. */
    defaultCustomerIp: z.string().min(1).max(64).optional(),
    timeouts: HttpTimeouts.prefault({}),
    /** Extra attempts for requests that are safe to repeat (Check, Register, GetList, Remove). */
    retries: z.number().int().min(0).max(5).default(2),
  })
  .superRefine((config, ctx) => {
    for (const field of ['baseUrl', 'returnUrl'] as const) {
      const url = config[field];
      if (url === undefined) continue;
      if (!isSecureUrl(url, config.allowLoopbackHttp)) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: config.allowLoopbackHttp
            ? 'must use https (or http to a loopback host)'
            : 'must use https (http is allowed only to a loopback host with allowLoopbackHttp)',
        });
      }
    }
    if (config.payTerminalPassword !== undefined && config.payTerminal === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['payTerminalPassword'],
        message: 'needs payTerminal: it is the password of the Pay terminal',
      });
    }
    if (/[?#]/.test(config.baseUrl)) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'must have no query or fragment' });
    }
  });
export type PaytureConfig = z.output<typeof PaytureConfig>;
export type PaytureConfigInput = z.input<typeof PaytureConfig>;

export function isSecureUrl(url: string, allowLoopbackHttp: boolean): boolean {
  try {
    assertSecureUrl(url, { allowLoopbackHttp });
    return true;
  } catch {
    return false;
  }
}
