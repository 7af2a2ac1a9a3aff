import { CardBindingError, type ChargeCheckOutcome } from '@cardbind/core';
import type { PaytureOrderState } from '../commands/payture-client.js';
import { isErrCode } from '../errors/codes.js';
import { chargeDecline } from '../errors/retry-advice.js';
import type { PaytureChargeRef } from '../ref.js';

/**
 * What GetState's `State` says about a one-step payment (charging.md, "Order state"; the states of
 * Necronru/payture `src/Enum/TransactionStatus.php`):
 * - Charged: debited. Authorized: the money is held for us (a one-step Pay passes through it).
 * - Voided, Refunded: it was debited and given back; refunds are tracked on their own, so the charge
 *   itself succeeded.
 * - Rejected, Error: refused; nothing was debited.
 * - New, PreAuthorized3DS: Payture has the order and no verdict yet (PreAuthorized3DS waits for the
 *   customer's 3-D Secure step, which the stored charge already asks for).
 */
const OUTCOME_OF_STATE: Readonly<Record<string, 'succeeded' | 'failed' | 'pending'>> = {
  CHARGED: 'succeeded',
  AUTHORIZED: 'succeeded',
  VOIDED: 'succeeded',
  REFUNDED: 'succeeded',
  REJECTED: 'failed',
  ERROR: 'failed',
  NEW: 'pending',
  PREAUTHORIZED3DS: 'pending',
};

/**
 * The charge's outcome from GetState's answer about its order. An order Payture does not know is
 * `not_found` — unless the charge asked for 3-D Secure and Payture says ORDER_TIME_OUT: then the
 * customer's step ran out and the payment was closed undebited (ACTION_EXPIRED). A state this table
 * does not name is thrown: nothing may be concluded from it.
 */
export function chargeOutcomeOfState(
  order: PaytureOrderState,
  ref: PaytureChargeRef,
  now: Date,
): ChargeCheckOutcome {
  if (!order.found) {
    if (isErrCode(order.errCode, 'ORDER_TIME_OUT') && ref.threeDSKeyDigest !== undefined) {
      return {
        status: 'failed',
        error: new CardBindingError('ACTION_EXPIRED', 'The customer did not complete 3-D Secure in time', {
          providerCode: order.errCode,
          retryable: true,
        }),
      };
    }
    return { status: 'not_found' };
  }
  const verdict: 'succeeded' | 'failed' | 'pending' | undefined = OUTCOME_OF_STATE[order.state.toUpperCase()];
  if (verdict === undefined) {
    throw new CardBindingError('PROVIDER_UNAVAILABLE', 'Payture answered GetState with an unknown State', {
      providerCode: order.state,
    });
  }
  switch (verdict) {
    case 'succeeded':
      return { status: 'succeeded' };
    case 'pending':
      return { status: 'pending' };
    case 'failed': {
      if (order.errCode !== undefined) {
        const { error, advice } = chargeDecline(order.errCode, 'GetState', now);
        return advice === undefined ? { status: 'failed', error } : { status: 'failed', error, advice };
      }
      return {
        status: 'failed',
        error: new CardBindingError('CARD_DECLINED', 'Payture rejected the payment', {
          providerCode: order.state,
          retryable: false,
        }),
      };
    }
  }
}
