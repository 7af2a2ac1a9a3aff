import { HttpTimeouts, minorDigits, Secret } from '@cardbind/core';
import { assertSecureUrl } from '@cardbind/core/client';
import { z } from 'zod';

/** PayOnline's production host; every API method lives under it. */
export const PAYONLINE_BASE_URL = 'https://secure.payonlinesystem.com';

/**
 * Optional card fields the host may ask PayOnline's form for, by the PayOnline param they fill. LitRes's
 * form-params spec: the app asks for them and sends them ONLY when the backend lists them.
 */
export const RequestedField = z.enum(['city', 'address', 'zip', 'state', 'phone', 'issuer']);
export type RequestedField = z.infer<typeof RequestedField>;

const MerchantId = z.string().regex(/^\d{1,18}$/, 'must be digits');
const PrivateSecurityKey = z
  .union([z.string().min(1), z.instanceof(Secret)])
  .transform((value) => Secret.of(value));
const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as RUB');

const Money = z.string().regex(/^\d{1,10}\.\d{2}$/, 'must be an amount with two decimals, such as 1.00');

export const PayOnlineConfig = z
  .object({
    /** Issued by PayOnline: an integer. */
    merchantId: z.union([MerchantId, z.number().int().positive()]).transform(String),
    /** Signs every request and verifies callbacks; wrapped at once so it can never be printed. */
    privateSecurityKey: PrivateSecurityKey,
    /**
     * Other merchant accounts of the same business, MerchantId → PrivateSecurityKey. PayOnline may
     * route a rebill to one of them and then names it in the answer (`MerchantId`); the Void or Refund
     * of that payment must be signed with that account's id and key (charging.md, "Rebill answer").
     */
    merchantAccounts: z.record(MerchantId, PrivateSecurityKey).default({}),
    baseUrl: z.string().url().default(PAYONLINE_BASE_URL),
    /** Plain http to 127.0.0.1/localhost only: emulators and local development. */
    allowLoopbackHttp: z.boolean().default(false),
    /** The host's page that receives the bank's 3-D Secure answer (routed to `handleCallback`). */
    termUrl: z.string().url(),
    /** Held on the card to prove it works, then voided (or kept, see `afterBinding`). */
    verificationAmount: Money.default('1.00'),
    currency: Currency.default('RUB'),
    /**
     * The currencies the merchant account takes for charges (rebills); default: `currency` alone.
     * PayOnline's Amount is "a dot and two digits" (charging.md, "Rebill"), so only currencies with
     * two minor digits can be sent exactly.
     */
    chargeCurrencies: z.array(Currency).min(1).optional(),
    requestedFields: z.array(RequestedField).default([]),
    /** The answer format the app asks PayOnline for. Server-side calls always use text (see README). */
    contentType: z.enum(['text', 'xml']).default('text'),
    /** `void` the verification payment once the card is saved, or `keep` it for a listener to credit. */
    afterBinding: z.enum(['void', 'keep']).default('void'),
    /**
     * An order still open this long after it was issued is expired (LitRes's form-params spec: 5
     * minutes).
     */
    orderDeadlineMs: z
      .number()
      .int()
      .positive()
      .default(5 * 60_000),
    /**
     * `browser-form`: the term_url page auto-submits the 3-D Secure result to PayOnline from the
     * customer's browser (LitRes's form-params flow). `server`: the host completes it and shows a result
     * page.
     */
    threeDsMode: z.enum(['browser-form', 'server']).default('browser-form'),
    /**
     * How far a callback's signed DateTime may lie from the host's clock; outside it the callback is
     * CALLBACK_REJECTED. PayOnline's DateTime is the payment's time, not the sending time, so a
     * redelivery carries the original one: the window must cover a binding's whole life
     * (`orderDeadlineMs`). The default hour does that twelve times over with room for a host that was
     * down for a while; `maxAheadMs` allows for PayOnline's clock running ahead of the host's.
     */
    callbackWindow: z
      .object({
        maxAgeMs: z
          .number()
          .int()
          .positive()
          .default(60 * 60_000),
        maxAheadMs: z
          .number()
          .int()
          .nonnegative()
          .default(5 * 60_000),
      })
      .default({ maxAgeMs: 60 * 60_000, maxAheadMs: 5 * 60_000 }),
    timeouts: HttpTimeouts.default(HttpTimeouts.parse({})),
    /** Extra attempts for Search, the one call that is safe to repeat (never Rebill, Void or Refund). */
    retries: z.number().int().min(0).max(5).default(2),
    processor: z
      .object({ name: z.string().min(1), homepage: z.string().url().optional() })
      .default({ name: 'PayOnline', homepage: 'https://payonline.ru/' }),
  })
  .superRefine((config, issues) => {
    (config.chargeCurrencies ?? []).forEach((currency, index) => {
      if (minorDigits(currency) !== 2) {
        issues.addIssue({
          code: 'custom',
          path: ['chargeCurrencies', index],
          message: "must have two minor digits: PayOnline's Amount is always sent as 0.00",
        });
      }
    });
    if (config.callbackWindow.maxAgeMs < config.orderDeadlineMs) {
      issues.addIssue({
        code: 'custom',
        path: ['callbackWindow', 'maxAgeMs'],
        message: 'must be at least orderDeadlineMs: a genuine callback for an open binding can be that old',
      });
    }
    for (const field of ['baseUrl', 'termUrl'] as const) {
      try {
        assertSecureUrl(config[field], { allowLoopbackHttp: config.allowLoopbackHttp });
      } catch {
        issues.addIssue({
          code: 'custom',
          path: [field],
          message: config.allowLoopbackHttp
            ? 'must use https (or http to a loopback host)'
            : 'must use https',
        });
      }
    }
  });

export type PayOnlineConfig = z.output<typeof PayOnlineConfig>;
export type PayOnlineConfigInput = z.input<typeof PayOnlineConfig>;
