import { type Charge, type Money, type Refund, type RetryAdvice, toMajorString } from '@cardbind/core';
import type { ChargeView, MoneyView, RefundView, RetryAdviceView } from '../shared/charge-api-types.js';

export function toMoneyView(money: Money): MoneyView {
  return { minor: money.minor, currency: money.currency, major: toMajorString(money) };
}

function toAdviceView(advice: RetryAdvice): RetryAdviceView {
  return {
    retryable: advice.retryable,
    ...(advice.notBefore === undefined ? {} : { notBefore: advice.notBefore.toISOString() }),
    ...(advice.maxAttemptsPerDay === undefined ? {} : { maxAttemptsPerDay: advice.maxAttemptsPerDay }),
    ...(advice.retryUntil === undefined ? {} : { retryUntil: advice.retryUntil.toISOString() }),
  };
}

/** Listed field by field, like toBindingView: nothing added to Charge later reaches the browser by accident. */
export function toChargeView(charge: Charge): ChargeView {
  const view: ChargeView = {
    id: charge.id,
    provider: charge.provider,
    status: charge.status,
    amount: toMoneyView(charge.amount),
    refunded: toMoneyView(charge.refunded),
    card: { id: charge.card.id, maskedPan: charge.card.display.maskedPan },
    createdAt: charge.createdAt.toISOString(),
    updatedAt: charge.updatedAt.toISOString(),
  };
  if (charge.description !== undefined) view.description = charge.description;
  if (charge.nextAction) view.nextAction = charge.nextAction;
  if (charge.failure) {
    const { code, message, retryable, providerCode, notBefore, advice } = charge.failure;
    view.failure = {
      code,
      message,
      retryable,
      ...(providerCode === undefined ? {} : { providerCode }),
      ...(notBefore === undefined ? {} : { notBefore: notBefore.toISOString() }),
      ...(advice === undefined ? {} : { advice: toAdviceView(advice) }),
    };
  }
  return view;
}

export function toRefundView(refund: Refund): RefundView {
  const view: RefundView = {
    id: refund.id,
    chargeId: refund.chargeId,
    status: refund.status,
    amount: toMoneyView(refund.amount),
    createdAt: refund.createdAt.toISOString(),
    updatedAt: refund.updatedAt.toISOString(),
  };
  if (refund.failure) {
    const { code, message, retryable, providerCode } = refund.failure;
    view.failure = { code, message, retryable, ...(providerCode === undefined ? {} : { providerCode }) };
  }
  return view;
}
