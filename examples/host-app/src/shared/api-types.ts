import { NextAction } from '@cardbind/core/client';
import { z } from 'zod';

/**
 * The JSON the host's API speaks, as zod schemas: the server builds these shapes, the page parses them.
 * No Node built-ins here: the page's bundle includes this file.
 */

/** A saved card as the page sees it: the masked number and labels, never the provider's token. */
export const CardListItem = z.object({
  id: z.string(),
  provider: z.string(),
  maskedPan: z.string(),
  holder: z.string().optional(),
  expiry: z.string().optional(),
  brand: z.string().optional(),
  createdAt: z.string(),
});
export type CardListItem = z.infer<typeof CardListItem>;

export const BindingFailureView = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  providerCode: z.string().optional(),
});

export const BindingStatusView = z.enum(['requires_action', 'processing', 'succeeded', 'failed', 'expired']);

export const BindingView = z.object({
  id: z.string(),
  provider: z.string(),
  status: BindingStatusView,
  nextAction: NextAction.optional(),
  card: CardListItem.optional(),
  failure: BindingFailureView.optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type BindingView = z.infer<typeof BindingView>;

export const BindingEnvelope = z.object({ binding: BindingView });
export const CardsEnvelope = z.object({ cards: z.array(CardListItem) });
/** Who is logged in; `null` when nobody is (a normal state on a first visit, so not an error). */
export const SessionView = z.object({ customerId: z.string().nullable() });

export const TestCardView = z.object({
  number: z.string(),
  expires: z.string(),
  cvv: z.string(),
  holder: z.string(),
  meaning: z.string(),
});

/** What the page's script needs to know; served at GET /api/config. */
export const ClientConfig = z.object({
  providers: z.array(z.object({ id: z.string(), label: z.string() })),
  /** How often the page polls a binding's status (LitRes's client: every ~3 s). */
  pollIntervalMs: z.number().int().positive(),
  /** Plain http to loopback processors is fine (the emulators); anywhere else https is required. */
  allowLoopbackHttp: z.boolean(),
  /** The emulators' magic cards, listed on the page in demo mode. Never set against a real sandbox. */
  testCards: z.array(TestCardView).optional(),
});
export type ClientConfig = z.infer<typeof ClientConfig>;

/** Every error answer: `{ error: { code, message } }`. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    retryable: z.boolean().optional(),
    providerCode: z.string().optional(),
    field: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
