import {
  CardBindingError,
  type Logger,
  type ProviderRefundContext,
  type RefundCheckOutcome,
  type RefundOutcome,
} from '@cardbind/core';
import type { PaytureClient } from '../commands/payture-client.js';
import { isErrCode, paytureError } from '../errors/codes.js';
import { toKopecks } from './charge-amount.js';

export interface RefundDependencies {
  /** Refunds only with a Pay terminal and its password (`client.canRefund`). */
  client: PaytureClient;
  logger: Logger;
}

function failed(error: CardBindingError): { status: 'failed'; error: CardBindingError } {
  return { status: 'failed', error };
}

/** What is left of the charge after the refunds that went through for good, and after this one. */
function expectedAmounts(ctx: ProviderRefundContext): { before: number; after: number } {
  const before = ctx.charge.amount.minor - ctx.refundedBefore.minor;
  return { before, after: before - ctx.amount.minor };
}

/**
 * Why this refund cannot be sent, checked before any request (so a `failed` is sure): no Pay
 * terminal or its password, an amount Payture cannot take, another currency than the charge's, or
 * more than is left of it.
 */
function refusedBeforeAnyRequest(
  client: PaytureClient,
  ctx: ProviderRefundContext,
): CardBindingError | undefined {
  if (!client.canRefund) {
    return new CardBindingError(
      'NOT_SUPPORTED',
      'Payture refunds need payTerminal and payTerminalPassword (the Pay terminal and its password)',
      { field: client.hasPayTerminal ? 'payTerminalPassword' : 'payTerminal', retryable: false },
    );
  }
  const amount = toKopecks(ctx.amount);
  if ('error' in amount) return amount.error;
  if (ctx.amount.currency !== ctx.charge.amount.currency) {
    return new CardBindingError('AMOUNT_INVALID', "A refund is in the charge's currency", {
      field: 'amount.currency',
      retryable: false,
    });
  }
  if (expectedAmounts(ctx).after < 0) {
    return new CardBindingError('REFUND_EXCEEDS_CHARGE', 'More than is left of the charge', {
      field: 'amount',
      retryable: false,
    });
  }
  return undefined;
}

/**
 * `vwapi/Refund` of part or all of a charged payment. Not idempotent (Payture refunds carry no id of
 * ours), so never repeated by the HTTP client: a lost answer throws, the refund stays `processing`
 * and `checkRefund` decides. Only `Success="False"` fails it. AMOUNT_ERROR on a refund is Payture
 * refusing more than is left of the payment (droff `refund_error.yml`: a refund over the amount).
 */
export async function refundCharge(
  deps: RefundDependencies,
  ctx: ProviderRefundContext,
): Promise<RefundOutcome> {
  const refused = refusedBeforeAnyRequest(deps.client, ctx);
  if (refused) return failed(refused);
  const answer = await deps.client.refund({ orderId: ctx.charge.orderId, kopecks: String(ctx.amount.minor) });
  if (!answer.success) {
    if (isErrCode(answer.errCode, 'AMOUNT_ERROR')) {
      return failed(
        new CardBindingError(
          'REFUND_EXCEEDS_CHARGE',
          'Payture refused the refund amount (more than is left)',
          {
            providerCode: answer.errCode,
            field: 'amount',
            retryable: false,
          },
        ),
      );
    }
    return failed(paytureError(answer.errCode, 'Refund'));
  }
  if (answer.newAmount !== undefined && answer.newAmount !== expectedAmounts(ctx).after) {
    // The refund went through; what is left differs from what this service knows (a refund made
    // elsewhere, or one whose answer was lost): for a person to look at.
    deps.logger.warn(
      { provider: 'payture', event: 'payture.refund_amount_mismatch', refundId: ctx.refundId },
      'Payture left another amount on the payment than expected after the refund',
    );
  }
  return { status: 'succeeded' };
}

/**
 * Whether a refund whose answer was lost went through, from GetState. Payture refunds carry no id of
 * ours, so only the order's State and Amount can tell, and no source says what Amount means after a
 * refund: droff's `get_state_success.yml` shows a `Refunded` order with the Amount it was paid
 * (12611, as in `pay_recurring_success.yml`), while Refund's NewAmount is what is left. So:
 * - Amount = charge − refundedBefore − this refund → `succeeded`. It can only match if Amount is what
 *   is left (a refund is never zero), so it never misreads a terminal that reports the paid amount.
 * - State Refunded, nothing refunded before and this refund takes all: no other refund can have made
 *   the order Refunded → `succeeded`, whichever Amount the terminal reports.
 * - a state Payture refuses refunds in (Refund needs a Charged payment, charging.md): New,
 *   PreAuthorized3DS, Authorized, Rejected, Error — no refund can have happened → `failed`.
 * - anything else → `unknown`, in particular "nothing changed": the request may still be in flight
 *   at Payture after the client gave up, and a `failed` would free the amount for a second refund of
 *   the same money. `unknown` keeps the amount held and the reconciler asking. The same for Voided (no
 *   source says how Payture shows a reversed one-step payment) and for an order GetState does not
 *   find (a charged order is there: not finding it says the question was wrong, not the refund).
 * Conclusive only while no other refund of the charge is in flight (refundedBefore counts settled
 * ones only): the caller must not run refunds of one charge concurrently.
 */
export async function checkRefund(
  deps: RefundDependencies,
  ctx: ProviderRefundContext,
): Promise<RefundCheckOutcome> {
  if (!deps.client.hasPayTerminal) {
    throw new CardBindingError('NOT_SUPPORTED', 'Payture refunds need payTerminal', { field: 'payTerminal' });
  }
  const order = await deps.client.getState(ctx.charge.orderId);
  if (!order.found) return { status: 'unknown' };
  const state = order.state.toUpperCase();
  const { after } = expectedAmounts(ctx);
  if (order.amount === after) return { status: 'succeeded' };
  if (state === 'REFUNDED' && after === 0 && ctx.refundedBefore.minor === 0) return { status: 'succeeded' };
  if (NEVER_REFUNDED_STATES.has(state)) {
    return failed(
      new CardBindingError('PROVIDER_REJECTED', 'Payture refunds only a charged payment', {
        providerCode: order.state,
        retryable: false,
      }),
    );
  }
  return { status: 'unknown' };
}

/** States in which Payture takes no refund (charging.md: "only a Charged payment"). */
const NEVER_REFUNDED_STATES: ReadonlySet<string> = new Set([
  'NEW',
  'PREAUTHORIZED3DS',
  'AUTHORIZED',
  'REJECTED',
  'ERROR',
]);
