export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * At most `limit` binding starts per customer in any `windowMs` (a sliding window of timestamps).
 * Each start creates a customer record or session at the provider, so an unthrottled loop would spam
 * the provider and the customer's bank; the seed's backend caps it the same way. In memory, so per
 * process: a host with several instances keeps the counters in its shared store instead.
 */
export class StartRateLimiter {
  readonly #starts = new Map<string, number[]>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(options: { limit: number; windowMs: number; now?: () => number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /** Counts a start for the customer if the window has room. */
  take(customerId: string): RateDecision {
    const now = this.#now();
    const recent = (this.#starts.get(customerId) ?? []).filter((at) => at > now - this.#windowMs);
    const oldest = recent[0];
    if (recent.length >= this.#limit && oldest !== undefined) {
      this.#starts.set(customerId, recent);
      return { allowed: false, retryAfterMs: oldest + this.#windowMs - now };
    }
    recent.push(now);
    this.#starts.set(customerId, recent);
    this.#forgetIdle(now);
    return { allowed: true };
  }

  /** Keeps memory bounded by active customers, not by every customer ever seen. */
  #forgetIdle(now: number): void {
    if (this.#starts.size < 1000) return;
    for (const [customerId, starts] of this.#starts) {
      const last = starts[starts.length - 1];
      if (last === undefined || last <= now - this.#windowMs) this.#starts.delete(customerId);
    }
  }
}
