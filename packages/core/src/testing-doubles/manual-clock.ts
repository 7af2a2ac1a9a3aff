import { abortError, type Clock } from '../ports/clock.js';

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/**
 * A clock that only moves when told. `sleep` resolves when `advance` passes its wake time, so a
 * polling loop over minutes of simulated time runs in milliseconds. With `autoAdvance`, a sleep jumps
 * the clock forward by itself (simulated time for one sequential flow).
 */
export class ManualClock implements Clock {
  #now: number;
  readonly #sleepers: Sleeper[] = [];
  readonly #autoAdvance: boolean;

  constructor(start: Date | number = Date.UTC(2026, 0, 1), options: { autoAdvance?: boolean } = {}) {
    this.#now = typeof start === 'number' ? start : start.getTime();
    this.#autoAdvance = options.autoAdvance ?? false;
  }

  now(): Date {
    return new Date(this.#now);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.#autoAdvance) {
      this.#now += Math.ceil(Math.max(0, ms));
      return Promise.resolve();
    }
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = { wakeAt: this.#now + Math.ceil(ms), resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.#sleepers.indexOf(sleeper);
          if (index >= 0) this.#sleepers.splice(index, 1);
          reject(abortError(signal));
        },
        { once: true },
      );
    });
  }

  /**
   * Moves time forward, waking sleepers in order and letting their continuations run in between.
   * Continuations that wait on real I/O between sleeps may miss a step: for such flows use
   * `autoAdvance`.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await settle();
      this.#sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
      const next = this.#sleepers[0];
      if (!next || next.wakeAt > target) break;
      this.#sleepers.shift();
      this.#now = Math.max(this.#now, next.wakeAt);
      next.resolve();
    }
    this.#now = target;
    await settle();
  }

  set(time: Date | number): void {
    this.#now = typeof time === 'number' ? time : time.getTime();
  }

  get pendingSleepers(): number {
    return this.#sleepers.length;
  }
}

/**
 * A few macrotask boundaries let chained promise continuations (and I/O callbacks already queued) run
 * and register their next sleep before time moves again.
 */
async function settle(): Promise<void> {
  for (let round = 0; round < 5; round++) await new Promise<void>((resolve) => setImmediate(resolve));
}
