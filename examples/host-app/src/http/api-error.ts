import type { CardBindingError, CardBindingErrorCode } from '@cardbind/core';

/** Codes the host adds for its own concerns; cardbind's codes pass through unchanged. */
export type HostErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'RATE_LIMITED' | 'BAD_REQUEST' | 'NOT_FOUND' | 'INTERNAL';

/** An error the host answers itself, with its HTTP status. */
export class HostApiError extends Error {
  override readonly name = 'HostApiError';
  constructor(
    readonly statusCode: number,
    readonly code: HostErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** What every error answer looks like: `{ error: { code, message, ... } }`, never a stack trace. */
export interface ErrorBody {
  error: {
    code: HostErrorCode | CardBindingErrorCode;
    message: string;
    retryable?: boolean;
    providerCode?: string;
    field?: string;
  };
}

const STATUS_BY_CODE: Readonly<Record<CardBindingErrorCode, number>> = {
  BINDING_NOT_FOUND: 404,
  CARD_NOT_FOUND: 404,
  PROVIDER_NOT_FOUND: 404,
  CONFIG_INVALID: 400,
  INVALID_CARD_DATA: 400,
  CALLBACK_REJECTED: 400,
  INVALID_STATE: 409,
  BINDING_EXPIRED: 410,
  CARD_DECLINED: 422,
  NO_ELIGIBLE_CARD: 422,
  PROVIDER_REJECTED: 502,
  PROVIDER_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  ABORTED: 503,
  // A provider handed back a URL the host may not send a customer to: our misconfiguration, not theirs.
  INSECURE_URL: 500,
  CHARGE_NOT_FOUND: 404,
  REFUND_NOT_FOUND: 404,
  IDEMPOTENCY_KEY_REUSED: 409,
  RETRY_NOT_ALLOWED: 409,
  AMOUNT_INVALID: 400,
  REFUND_EXCEEDS_CHARGE: 409,
  NOT_SUPPORTED: 400,
  ACTION_EXPIRED: 410,
};

/** The status and body for a cardbind error. Its message is safe to show: core never puts secrets in it. */
export function cardBindingErrorReply(error: CardBindingError): { statusCode: number; body: ErrorBody } {
  const failure = error.toFailure();
  return { statusCode: STATUS_BY_CODE[error.code], body: { error: failure } };
}

export function hostErrorReply(error: HostApiError): { statusCode: number; body: ErrorBody } {
  return { statusCode: error.statusCode, body: { error: { code: error.code, message: error.message } } };
}
