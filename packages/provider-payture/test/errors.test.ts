import { describe, expect, it } from 'vitest';
import { canonicalErrCode, paytureError } from '../src/errors/codes.js';

describe('ErrCode mapping', () => {
  it.each([
    ['ISSUER_BLOCKED_CARD', 'CARD_DECLINED', false],
    ['AMOUNT_EXCEED', 'CARD_DECLINED', false],
    ['FRAUD_ERROR', 'CARD_DECLINED', false],
    ['CANCELED_BY_CLIENT', 'CARD_DECLINED', false],
    ['LIMIT_EXCHAUST', 'CARD_DECLINED', false],
    ['WRONG_PAN', 'INVALID_CARD_DATA', false],
    ['WRONG_CARD_PAN', 'INVALID_CARD_DATA', false],
    ['WRONG_CVV', 'INVALID_CARD_DATA', false],
    ['ACCESS_DENIED', 'PROVIDER_REJECTED', false],
    ['WRONG_PARAMS', 'PROVIDER_REJECTED', false],
    ['WRONG_USER_PARAMS', 'PROVIDER_REJECTED', false],
    ['CUSTOMER_NOT_FOUND', 'PROVIDER_REJECTED', false],
    ['USER_NOT_FOUND', 'PROVIDER_REJECTED', false],
    ['CARD_NOT_FOUND', 'CARD_NOT_FOUND', false],
    ['ORDER_TIME_OUT', 'BINDING_EXPIRED', false],
    ['PROCESSING_TIME_OUT', 'PROVIDER_UNAVAILABLE', true],
    ['INTERNAL_ERROR', 'PROVIDER_UNAVAILABLE', true],
    ['COMMUNICATE_ERROR', 'PROVIDER_UNAVAILABLE', true],
    ['SOMETHING_NEW', 'PROVIDER_REJECTED', false],
  ])('%s → %s (retryable %s), the raw code kept', (errCode, code, retryable) => {
    const error = paytureError(errCode, 'Init');
    expect(error).toMatchObject({ code, retryable, providerCode: errCode });
  });

  it('names the wrong card field for WRONG_* codes', () => {
    expect(paytureError('WRONG_CVV', 'Add').field).toBe('cvv');
    expect(paytureError('WRONG_EXPIRE_DATE', 'Add').field).toBe('expiry');
  });

  it('maps the legacy names onto the current ones', () => {
    expect(canonicalErrCode('USER_NOT_FOUND')).toBe('CUSTOMER_NOT_FOUND');
    expect(canonicalErrCode('DUPLICATE_USER')).toBe('DUPLICATE_CUSTOMER');
    expect(canonicalErrCode(' duplicate_user ')).toBe('DUPLICATE_CUSTOMER');
  });
});
