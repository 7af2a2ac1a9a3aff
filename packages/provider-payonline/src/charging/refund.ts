import {
  CardBindingError,
  type CardBindingErrorCode,
  type Logger,
  type ProviderRefundContext,
  type RefundOutcome,
  toCardBindingError,
  toMajorString,
} from '@cardbind/core';
import { accountOf, type MerchantAccount } from '../commands/merchant-account.js';
import type { PayOnlineClient } from '../commands/payonline-client.js';
import type { PayOnlineConfig } from '../config.js';
import { PayOnlineChargeRef } from '../ref.js';
import type { FoundPayment } from '../wire/search-answer.js';

/** Void works within 24 h of a Pending payment; direct payments settle within 24 h (charging.md). */
const VOID_WINDOW_MS = 24 * 60 * 60_000;

export interface ChargeRefundDependencies {
  readonly client: PayOnlineClient;
  readonly config: PayOnlineConfig;
  readonly logger: Logger;
}

function failed(code: CardBindingErrorCode, message: string, providerCode?: string): RefundOutcome {
  return {
    status: 'failed',
    error: new CardBindingError(code, message, {
      retryable: false,
      ...(providerCode === undefined ? {} : { providerCode }),
    }),
  };
}

interface Payment {
  readonly orderId: string;
  readonly transactionId: string;
  readonly account: MerchantAccount;
}

/**
 * Refunds a charge the PayOnline way: "refund" of a charge is a Void while it is Pending and a Refund
 * once Settled (charging.md, "Void" and "Refund"). A full refund of a charge younger than 24 h tries
 * Void first (it releases the hold, so the customer never sees the debit); when PayOnline refuses it
 * and Search says the payment has settled, a Refund of the full amount follows. A partial refund is
 * always a Refund (Void has no amount), which PayOnline refuses while the payment is still Pending.
 * Every request is sent once; an unknown answer throws and the refund stays `processing` for an
 * operator (PayOnline has no refund query: see `checkRefund`).
 */
export async function refundCharge(
  deps: ChargeRefundDependencies,
  ctx: ProviderRefundContext,
): Promise<RefundOutcome> {
  const { charge } = ctx;
  const ref = PayOnlineChargeRef.safeParse(charge.providerRef);
  const transactionId = ref.success ? ref.data.transactionId : undefined;
  if (!ref.success || transactionId === undefined) {
    return failed('INVALID_STATE', 'No PayOnline transaction is known for this charge: nothing to refund');
  }
  if (ref.data.voided === true) {
    return failed('INVALID_STATE', 'The PayOnline payment was voided: nothing is left to refund');
  }
  if (ctx.amount.currency !== charge.amount.currency || ctx.amount.minor <= 0) {
    return failed('AMOUNT_INVALID', 'A refund must be more than zero, in the charge currency');
  }
  if (ctx.refundedBefore.minor + ctx.amount.minor > charge.amount.minor) {
    return failed('REFUND_EXCEEDS_CHARGE', 'The refund would exceed what the charge took');
  }
  let account: MerchantAccount;
  try {
    account = accountOf(deps.config, ref.data.merchantId);
  } catch (error) {
    return { status: 'failed', error: toCardBindingError(error) };
  }
  const payment: Payment = { orderId: charge.orderId, transactionId, account };
  const full = ctx.refundedBefore.minor === 0 && ctx.amount.minor === charge.amount.minor;
  const young = ctx.now.getTime() - charge.createdAt.getTime() < VOID_WINDOW_MS;
  if (full && young) {
    const voided = await voidOnce(deps, payment);
    if (voided === true) {
      deps.logger.info(
        { event: 'payonline.charge_voided', refundId: ctx.refundId, transactionId },
        'charge refunded by a void',
      );
      return { status: 'succeeded', providerRef: { voided: true } };
    }
    const found = await paymentListed(deps, payment);
    if (found === undefined) {
      return failed(
        'PROVIDER_REJECTED',
        'PayOnline refused the void and Search does not list the payment under its merchant account ' +
          '(voided or refunded elsewhere?): check it in PayOnline before refunding again',
        voided.providerCode ?? 'VOID_ERROR',
      );
    }
    // Settled already: only a Refund can return the money now.
    if (found.status !== 'Settled') return { status: 'failed', error: voided };
  }
  return refundOnce(deps, ctx, payment);
}

/** True when voided; the refusal when PayOnline said no. An unknown outcome throws. */
async function voidOnce(deps: ChargeRefundDependencies, payment: Payment): Promise<true | CardBindingError> {
  try {
    await deps.client.voidTransaction(payment.transactionId, payment.account);
    return true;
  } catch (error) {
    const failure = toCardBindingError(error);
    if (failure.code === 'PROVIDER_UNAVAILABLE') throw failure;
    return failure;
  }
}

async function refundOnce(
  deps: ChargeRefundDependencies,
  ctx: ProviderRefundContext,
  payment: Payment,
): Promise<RefundOutcome> {
  const answer = await deps.client.refund(payment.account, {
    transactionId: payment.transactionId,
    // Exact, like the charge: `{ minor: 30 }` is `0.30`, never through floating point.
    amount: toMajorString(ctx.amount),
  });
  if (answer.kind === 'refunded') {
    deps.logger.info(
      { event: 'payonline.charge_refunded', refundId: ctx.refundId, transactionId: payment.transactionId },
      'charge refunded',
    );
    return { status: 'succeeded' };
  }
  const providerCode = answer.code ?? 'REFUND_ERROR';
  if (await stillPending(deps, ctx, payment)) {
    return failed(
      'PROVIDER_REJECTED',
      'PayOnline refunds only a settled payment and this one is still pending: a partial refund is ' +
        'possible once it settles (direct payments settle within 24 hours)',
      providerCode,
    );
  }
  return failed('PROVIDER_REJECTED', 'PayOnline refused the refund', providerCode);
}

/** The payment as Search lists it now, or undefined when Search lists it no more. */
async function paymentListed(
  deps: ChargeRefundDependencies,
  payment: Payment,
): Promise<FoundPayment | undefined> {
  const payments = await deps.client.search(payment.orderId, payment.account);
  return payments.find((candidate) => candidate.transactionId === payment.transactionId);
}

/**
 * Whether a refused Refund was refused for being early: Search's status says so; when Search itself
 * fails, the charge's age stands in (direct payments settle within 24 h). Only the message depends on
 * it: the refund failed either way.
 */
async function stillPending(
  deps: ChargeRefundDependencies,
  ctx: ProviderRefundContext,
  payment: Payment,
): Promise<boolean> {
  try {
    const found = await paymentListed(deps, payment);
    return found !== undefined && found.status !== 'Settled';
  } catch {
    return ctx.now.getTime() - ctx.charge.createdAt.getTime() < VOID_WINDOW_MS;
  }
}
