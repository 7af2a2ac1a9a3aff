import type { ChargeFailureView, ChargeView, MoneyView } from '../shared/charge-api-types.js';

/**
 * What the page says about a charge, as plain functions of the host's JSON. Amounts are the strings
 * the host wrote (`major`): the page never computes money.
 */

const SYMBOLS: Readonly<Record<string, string>> = { RUB: '₽' };

export function moneyText(money: Pick<MoneyView, 'major' | 'currency'>): string {
  return `${money.major} ${SYMBOLS[money.currency] ?? money.currency}`;
}

/** The charge's status in words; a succeeded charge says how much of it went back. */
export function chargeStatusText(charge: ChargeView): string {
  switch (charge.status) {
    case 'succeeded':
      if (charge.refunded.minor === 0) return 'succeeded';
      return charge.refunded.minor >= charge.amount.minor ? 'refunded' : 'partly refunded';
    case 'failed':
      return 'declined';
    case 'processing':
      return 'processing…';
    case 'requires_action':
      return 'waiting for 3-D Secure';
  }
}

function timeText(iso: string): string {
  // Spelled out: Intl refuses `timeZoneName` beside `dateStyle`, and the zone matters to a retry time.
  return new Date(iso).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
}

/**
 * When the shop may charge this card again after the decline, from the provider's advice: `never`
 * when the issuer said so, a time when it gave one, a daily limit when it set one.
 */
export function retryText(failure: ChargeFailureView): string {
  const advice = failure.advice;
  if (advice?.retryable === false) return 'never (the bank refuses further attempts on this card)';
  const notBefore = failure.notBefore ?? advice?.notBefore;
  if (notBefore !== undefined) return `not before ${timeText(notBefore)}`;
  if (advice?.maxAttemptsPerDay !== undefined) {
    const until = advice.retryUntil === undefined ? '' : ` until ${timeText(advice.retryUntil)}`;
    return `up to ${advice.maxAttemptsPerDay} attempts a day${until}`;
  }
  return 'any time';
}

/** The decline's reason as the provider gave it, with its own code for a support ticket. */
export function declineText(failure: ChargeFailureView): string {
  const code = failure.providerCode === undefined ? '' : ` (code ${failure.providerCode})`;
  return `${failure.message}${code}. Next attempt: ${retryText(failure)}.`;
}

/** The sentence the status line says once a charge has settled (or is waiting for the customer). */
export function chargeOutcomeText(charge: ChargeView): string {
  const amount = moneyText(charge.amount);
  switch (charge.status) {
    case 'succeeded':
      return `Charged ${amount} to card ${charge.card.maskedPan}.`;
    case 'failed':
      return charge.failure
        ? `The charge of ${amount} was declined: ${declineText(charge.failure)}`
        : `The charge of ${amount} was declined.`;
    case 'processing':
      return `The charge of ${amount} is still being processed; it will show here once the bank answers.`;
    case 'requires_action':
      return `The charge of ${amount} is waiting for your bank's confirmation.`;
  }
}
