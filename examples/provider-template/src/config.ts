import { HttpTimeouts, Secret } from '@cardbind/core';
import { assertSecureUrl } from '@cardbind/core/client';
import { z } from 'zod';

// Secrets arrive as strings (or already wrapped) and leave the schema wrapped: from here on, no
// log line, error or JSON can print them by accident.
const SecretInput = z.union([z.string().min(1), z.instanceof(Secret)]).transform((value) => Secret.of(value));

export const ToyPayConfig = z
  .object({
    /** `https://api.toypay.example`: configuration, never a constant, so tests can point at an emulator. */
    baseUrl: z
      .string()
      .url()
      .transform((url) => url.replace(/\/+$/, '')),
    /** Allow `http://` to a loopback host (the emulator, local development). Off in production. */
    allowLoopbackHttp: z.boolean().default(false),
    /** The merchant's API key, sent as a bearer token. */
    apiKey: SecretInput,
    /** The key ToyPay signs its notifications with. */
    webhookSecret: SecretInput,
    timeouts: HttpTimeouts.default(HttpTimeouts.parse({})),
    /** Extra attempts for reads that are safe to repeat (the status call). */
    retries: z.number().int().min(0).max(5).default(2),
  })
  .superRefine((config, ctx) => {
    try {
      assertSecureUrl(config.baseUrl, { allowLoopbackHttp: config.allowLoopbackHttp });
    } catch {
      ctx.addIssue({
        code: 'custom',
        path: ['baseUrl'],
        message: 'must be https (http only to a loopback host when allowLoopbackHttp)',
      });
    }
  });
export type ToyPayConfig = z.output<typeof ToyPayConfig>;
export type ToyPayConfigInput = z.input<typeof ToyPayConfig>;
