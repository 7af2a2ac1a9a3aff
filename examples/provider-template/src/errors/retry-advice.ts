import type { RetryAdvice } from '@cardbind/core';

const DAY_MS = 24 * 60 * 60_000;

/**
 * What a declined charge means for the next attempt on the card, by ToyPay's decline code: ToyPay
 * asks merchants not to retry insufficient funds within a day; any other decline has no advice (the
 * host decides). The charge service refuses a new charge on the card that breaks it.
 */
export function chargeAdviceFor(declineCode: string, now: Date): RetryAdvice | undefined {
  if (declineCode === 'insufficient_funds') {
    return { retryable: true, notBefore: new Date(now.getTime() + DAY_MS) };
  }
  return undefined;
}
