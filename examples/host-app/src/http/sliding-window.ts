/**
 * At most `limit` events per key in any `windowMs`: a sliding window of timestamps. In memory, so per
 * process; a host with several instances keeps the counters in its shared store instead.
 */
export class SlidingWindow {
  readonly #events = new Map<string, number[]>();
  readonly #limit: number;
  readonly #windowMs: number;

  constructor(options: { limit: number; windowMs: number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
  }

  /** How long until the key has room again; 0 when it has room now. Counts nothing. */
  waitMs(key: string, now: number): number {
    const recent = this.#recent(key, now);
    const oldest = recent[0];
    return recent.length >= this.#limit && oldest !== undefined ? oldest + this.#windowMs - now : 0;
  }

  record(key: string, now: number): void {
    const recent = this.#recent(key, now);
    recent.push(now);
    this.#events.set(key, recent);
    this.#forgetIdle(now);
  }

  #recent(key: string, now: number): number[] {
    return (this.#events.get(key) ?? []).filter((at) => at > now - this.#windowMs);
  }

  /** Keeps memory bounded by active keys, not by every key ever seen. */
  #forgetIdle(now: number): void {
    if (this.#events.size < 1000) return;
    for (const [key, events] of this.#events) {
      const last = events[events.length - 1];
      if (last === undefined || last <= now - this.#windowMs) this.#events.delete(key);
    }
  }
}
