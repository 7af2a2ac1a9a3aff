import { z } from 'zod';

/**
 * Stable error codes a caller can switch on. Adding a code is a minor change; renaming one is breaking.
 * Provider-specific detail lives in `providerCode`, never in a new core code (Hyperswitch's regret).
 */
export const CardBindingErrorCode = z.enum([
  'CONFIG_INVALID',
  'PROVIDER_NOT_FOUND',
  'PROVIDER_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'PROVIDER_REJECTED',
  'CARD_DECLINED',
  'INVALID_CARD_DATA',
  'NO_ELIGIBLE_CARD',
  'BINDING_NOT_FOUND',
  'CARD_NOT_FOUND',
  'BINDING_EXPIRED',
  'INVALID_STATE',
  'CALLBACK_REJECTED',
  'INSECURE_URL',
  'ABORTED',
  'CHARGE_NOT_FOUND',
  'REFUND_NOT_FOUND',
  /** The same idempotency key with other parameters (Stripe's rule). */
  'IDEMPOTENCY_KEY_REUSED',
  /** The last decline on this card forbids a new attempt yet (or ever): see the failure's advice. */
  'RETRY_NOT_ALLOWED',
  'AMOUNT_INVALID',
  'REFUND_EXCEEDS_CHARGE',
  /** The provider does not offer this operation (charging, refunds, a relayed rebill). */
  'NOT_SUPPORTED',
  /** The customer did not complete the charge's action (3-D Secure) in time. */
  'ACTION_EXPIRED',
]);
export type CardBindingErrorCode = z.infer<typeof CardBindingErrorCode>;

/** Codes that describe a passing condition: the same call may succeed later. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<CardBindingErrorCode> = new Set([
  'PROVIDER_UNAVAILABLE',
  'STORE_UNAVAILABLE',
]);

/** The serialisable shape of an error: what a Binding stores as `failure` and what a host may show. */
export const CardBindingFailure = z.object({
  code: CardBindingErrorCode,
  message: z.string(),
  retryable: z.boolean(),
  providerCode: z.string().optional(),
  field: z.string().optional(),
});
export type CardBindingFailure = z.infer<typeof CardBindingFailure>;

export interface CardBindingErrorOptions {
  /** The provider's own raw code (ErrCode, Code/ErrorCode), kept verbatim for support tickets. */
  providerCode?: string;
  /** The name (never the value) of the input field that was wrong. */
  field?: string;
  retryable?: boolean;
  /**
   * The underlying error. It is kept off the enumerable properties and out of JSON, because
   * transport errors (got's RequestError) carry request bodies and options that may hold secrets.
   */
  cause?: unknown;
}

/**
 * The one error type every cardbind API throws or reports. Messages are written by cardbind and never
 * interpolate card data, passwords or provider bodies; `toJSON` exposes only the safe fields.
 */
export class CardBindingError extends Error {
  override readonly name = 'CardBindingError';
  readonly code: CardBindingErrorCode;
  readonly retryable: boolean;
  readonly providerCode?: string;
  readonly field?: string;

  constructor(code: CardBindingErrorCode, message: string, options: CardBindingErrorOptions = {}) {
    super(message);
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
    if (options.field !== undefined) this.field = options.field;
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, writable: false });
    }
  }

  toJSON(): CardBindingFailure {
    return this.toFailure();
  }

  toFailure(): CardBindingFailure {
    const failure: CardBindingFailure = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.providerCode !== undefined) failure.providerCode = this.providerCode;
    if (this.field !== undefined) failure.field = this.field;
    return failure;
  }

  static fromFailure(failure: CardBindingFailure): CardBindingError {
    return new CardBindingError(failure.code, failure.message, failure);
  }

  static is(value: unknown, code?: CardBindingErrorCode): value is CardBindingError {
    return value instanceof CardBindingError && (code === undefined || value.code === code);
  }
}
