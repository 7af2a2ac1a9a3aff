import { CardBindingError } from '../errors.js';
import type { ChargeRecord } from './charge.js';

const DAY_MS = 24 * 60 * 60_000;

/**
 * Refuses a new charge on a card whose declines advise against it (PayOnline's rebill rules, Payture's
 * codes mapped the same way): never again, not before a time, not after a time, or at most so many
 * attempts a day. `recent` is the card's charges, newest first. Every decline since the card's last
 * success counts, so a "never" is not lifted by a later, milder decline the host forced through.
 */
export function assertRetryAllowed(recent: readonly ChargeRecord[], now: Date): void {
  const lastSuccess = recent.findIndex((charge) => charge.status === 'succeeded');
  const since = lastSuccess === -1 ? recent : recent.slice(0, lastSuccess);
  // A "never" first, whatever else applies: it is the answer that tells the host to stop for good.
  const ordered = [...since].sort(
    (a, b) => Number(a.failure?.advice?.retryable ?? true) - Number(b.failure?.advice?.retryable ?? true),
  );
  for (const declined of ordered) {
    const advice = declined.status === 'failed' ? declined.failure?.advice : undefined;
    if (!advice) continue;
    const refuse = (why: string): never => {
      throw new CardBindingError('RETRY_NOT_ALLOWED', `A new charge on this card is not allowed: ${why}`, {
        field: 'cardId',
        ...(declined.failure?.providerCode === undefined
          ? {}
          : { providerCode: declined.failure.providerCode }),
        retryable: advice.retryable,
      });
    };
    if (!advice.retryable) refuse(`a decline (charge ${declined.id}) forbids any retry`);
    if (advice.notBefore && now.getTime() < advice.notBefore.getTime()) {
      refuse(`not before ${advice.notBefore.toISOString()} (charge ${declined.id})`);
    }
    if (advice.retryUntil && now.getTime() > advice.retryUntil.getTime()) {
      refuse(`retries ended at ${advice.retryUntil.toISOString()} (charge ${declined.id})`);
    }
    if (advice.maxAttemptsPerDay !== undefined) {
      const dayAgo = now.getTime() - DAY_MS;
      const attempts = recent.filter((charge) => charge.createdAt.getTime() > dayAgo).length;
      if (attempts >= advice.maxAttemptsPerDay) {
        refuse(`at most ${advice.maxAttemptsPerDay} attempts in 24 hours (charge ${declined.id})`);
      }
    }
  }
}
