import { z } from 'zod';
import { CardToken, type SavedCard } from './card.js';
import type { Customer } from './customer.js';
import { CardBindingError } from './errors.js';
import { NextAction } from './next-action.js';
import type { ChargingOperations } from './charge/charge-provider.js';
import type { BindingStatus } from './binding/status.js';

type JsonValue = z.core.util.JSONType;

/** Deeper than any provider's ref; a cyclic object ends here instead of overflowing the stack. */
const MAX_JSON_DEPTH = 64;

function isJsonValue(value: unknown, depth: number): value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item: unknown) => isJsonValue(item, depth + 1));
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every((item: unknown) => isJsonValue(item, depth + 1));
}

/**
 * One JSON value, as `z.json()` accepts it (finite numbers, plain objects and arrays, no Dates or
 * class instances). `z.json()` is a union of six schemas tried in order, so each array or object in a
 * ref first failed four of them, building an issue for each: a third of validating an outcome on the
 * binding's hot path (docs/performance.md, scenario 1). This walks the value once.
 */
const JsonValue = z.custom<JsonValue>((value) => isJsonValue(value, 0), 'must be a JSON value');

/**
 * Whatever a provider must remember between calls (Payture SessionId, PayOnline OrderId...). Core stores
 * it as opaque JSON; each provider parses its own ref with its own zod schema, so nobody casts.
 */
export const ProviderRef = z.record(z.string(), JsonValue);
export type ProviderRef = z.infer<typeof ProviderRef>;

/** Keys a later callback can name to find this binding (a SessionId, an OrderId, a webhook object id). */
const LookupKeys = z.array(z.string().min(1).max(200)).max(20);

const Pending = z.strictObject({
  status: z.literal('pending'),
  /** The provider has seen the payment and is working on it: the binding moves to `processing`. */
  processing: z.boolean().optional(),
  providerRef: ProviderRef.optional(),
  lookupKeys: LookupKeys.optional(),
});
const Succeeded = z.strictObject({
  status: z.literal('succeeded'),
  card: CardToken,
  providerRef: ProviderRef.optional(),
});
const Failed = z.strictObject({
  status: z.literal('failed'),
  error: z.instanceof(CardBindingError),
  providerRef: ProviderRef.optional(),
});

/**
 * What `init` may answer. Only init sets the binding's deadline (`expiresAt`, which should cover the
 * gateway's own session) and its first lookup keys. Strict: a field this type does not name is an
 * invalid outcome, never silently dropped.
 */
export const InitOutcome = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('requires_action'),
    action: NextAction,
    providerRef: ProviderRef,
    expiresAt: z.date().optional(),
    lookupKeys: LookupKeys.optional(),
  }),
  Pending,
  Succeeded,
  Failed,
]);
export type InitOutcome = z.infer<typeof InitOutcome>;

/**
 * What a provider says after any later call (finalise, checkOrder, a callback). Only `succeeded`,
 * `failed` and `expired` end a binding: the default answer of a provider that cannot tell yet is
 * `pending` (Hyperswitch's rule). `providerRef` is a shallow patch merged into the stored ref;
 * `lookupKeys` are added to the binding's keys (a webhook may name an object created after init).
 * `expired` is the gateway saying its session ran out: the binding becomes `expired`, not `failed`.
 */
export const ProviderOutcome = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('requires_action'),
    action: NextAction,
    providerRef: ProviderRef.optional(),
    lookupKeys: LookupKeys.optional(),
  }),
  Pending,
  Succeeded,
  Failed,
  z.strictObject({
    status: z.literal('expired'),
    /** The gateway's reason, when it gives one; BINDING_EXPIRED otherwise. */
    error: z.instanceof(CardBindingError).optional(),
    providerRef: ProviderRef.optional(),
  }),
]);
export type ProviderOutcome = z.infer<typeof ProviderOutcome>;

export interface ProviderInitContext {
  readonly bindingId: string;
  readonly customer: Customer;
  readonly returnUrl?: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly now: Date;
}

/** Why the service is asking the provider about a binding. */
export type ProviderTrigger = 'return' | 'poll' | 'callback';

export interface ProviderContext {
  readonly bindingId: string;
  readonly customer: Customer;
  readonly status: BindingStatus;
  readonly providerRef: ProviderRef;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly now: Date;
  readonly trigger: ProviderTrigger;
  /** The query string the customer came back with. Display only: never proof of success. */
  readonly query?: Readonly<Record<string, string>>;
}

/** Header names are case-insensitive on the wire; providers read them lower-cased (`x-signature`). */
const LowerCaseHeaders = z
  .record(z.string(), z.string())
  .default({})
  .transform((headers) =>
    Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  );

/**
 * An HTTP request the host received on a provider's callback route. `body` holds the decoded form or
 * JSON fields, flattened to strings, for the common case; `rawBody` is the body exactly as received
 * (a string, or the bytes), for a signature computed over the raw body (an HMAC webhook) — the host
 * passes it untouched, before any parsing.
 */
export const CallbackRequest = z.object({
  method: z.string(),
  path: z.string().optional(),
  /** Lower-cased names; a repeated header's values joined with `, `. */
  headers: LowerCaseHeaders,
  query: z.record(z.string(), z.string()).default({}),
  body: z.record(z.string(), z.string()).default({}),
  rawBody: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
});
export type CallbackRequest = z.input<typeof CallbackRequest>;

export const CallbackResponse = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
});
export type CallbackResponse = z.infer<typeof CallbackResponse>;

export interface ProviderCallbackContext {
  readonly request: z.output<typeof CallbackRequest>;
  readonly now: Date;
  /** Finds a binding of this provider by one of the lookup keys its init outcome declared. */
  findBinding(lookupKey: string): Promise<ProviderContext | undefined>;
}

export interface CallbackResult {
  /** What the host answers the caller (a page for a browser, `OK` for a server-to-server notification). */
  response: CallbackResponse;
  /** A verified state change for one binding. Absent when the callback only acknowledges. */
  update?: { bindingId: string; outcome: ProviderOutcome };
}

export interface RemoveCardContext {
  readonly customer: Pick<Customer, 'id'>;
  readonly card: SavedCard;
}

/**
 * The plugin contract. A provider is stateless apart from its configuration: it returns what it must
 * remember in `providerRef`, and the service persists it. Optional operations are typed as optional,
 * never discovered at run time (Omnipay's regret).
 */
export interface CardBindingProvider extends ChargingOperations {
  readonly id: string;
  init(ctx: ProviderInitContext): Promise<InitOutcome>;
  /** Pull the result after the customer returns (or on a poll when the provider has no checkOrder). */
  finalise?(ctx: ProviderContext): Promise<ProviderOutcome>;
  /** Poll the order's state. */
  checkOrder?(ctx: ProviderContext): Promise<ProviderOutcome>;
  /** 3-DS term_url pages and provider notifications. Throw CALLBACK_REJECTED for anything unverified. */
  handleCallback?(ctx: ProviderCallbackContext): Promise<CallbackResult>;
  /** Delete the card at the provider. */
  removeCard?(ctx: RemoveCardContext): Promise<void>;
  /**
   * Runs once, after the binding's transition to `succeeded` was stored (e.g. void a verification
   * payment). Its failure is logged and never changes the binding.
   */
  afterSuccess?(ctx: ProviderContext & { readonly card: SavedCard }): Promise<void>;
  /**
   * Runs once, after the binding's transition to `failed` or `expired` was stored (e.g. release a
   * verification payment that went through although no card could be saved). Its failure is logged
   * and never changes the binding.
   */
  afterFailure?(ctx: ProviderContext): Promise<void>;
}
