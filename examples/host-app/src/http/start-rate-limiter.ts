import { addressKey } from './address-key.js';
import { SlidingWindow } from './sliding-window.js';

export interface StartAttempt {
  customerId: string;
  /** The request's source address (`request.ip`: the socket's, or a trusted proxy's X-Forwarded-For). */
  sourceAddress: string;
  idempotencyKey?: string | undefined;
}

export type StartPermit =
  | {
      allowed: true;
      /** The start failed, so nothing was saved under its idempotency key: a retry is a new start. */
      startFailed(): void;
    }
  | { allowed: false; retryAfterMs: number };

export interface StartRateLimits {
  /** Starts per customer per window. */
  perCustomer: number;
  /** Starts per source address per window, whichever customers they are for. */
  perAddress: number;
  windowMs: number;
  now?: () => number;
}

const nothingToUndo = (): void => undefined;

/**
 * Limits starting bindings per customer AND per source address. Each start creates a customer record or
 * a session at the provider, so an unthrottled loop would spam the provider and the customer's bank;
 * Behind-API's Payture docs ("Security Considerations") rate-limit it per customer (their example: 5
 * starts), and the address limit stops one client from multiplying that by logging in as many
 * customers. A start is let through only when both have room, and counted in both.
 *
 * A replay (an idempotency key this customer already started with) is not counted and not refused:
 * the service answers it with the binding it already has and asks the provider nothing, so a double
 * click or a retried request never uses up, or runs into, the customer's allowance. In memory, so per
 * process: a host with several instances keeps the counters and the keys in its shared store.
 */
export class StartRateLimiter {
  readonly #perCustomer: SlidingWindow;
  readonly #perAddress: SlidingWindow;
  readonly #startedKeys = new StartedKeys();
  readonly #now: () => number;

  constructor(limits: StartRateLimits) {
    this.#perCustomer = new SlidingWindow({ limit: limits.perCustomer, windowMs: limits.windowMs });
    this.#perAddress = new SlidingWindow({ limit: limits.perAddress, windowMs: limits.windowMs });
    this.#now = limits.now ?? Date.now;
  }

  /** Decides on one start and, when it is a new one that fits, counts it. */
  admit(attempt: StartAttempt): StartPermit {
    const now = this.#now();
    const replayKey =
      attempt.idempotencyKey === undefined
        ? undefined
        : `${attempt.customerId}\u0000${attempt.idempotencyKey}`;
    if (replayKey !== undefined && this.#startedKeys.has(replayKey, now)) {
      return { allowed: true, startFailed: nothingToUndo };
    }
    const address = addressKey(attempt.sourceAddress);
    const waitMs = Math.max(
      this.#perCustomer.waitMs(attempt.customerId, now),
      this.#perAddress.waitMs(address, now),
    );
    if (waitMs > 0) return { allowed: false, retryAfterMs: waitMs };
    this.#perCustomer.record(attempt.customerId, now);
    this.#perAddress.record(address, now);
    if (replayKey === undefined) return { allowed: true, startFailed: nothingToUndo };
    // Known from now on, not only once the start returns: a double click's second request, arriving
    // while the first is still at the provider, joins the service's single flight and is a replay too.
    this.#startedKeys.add(replayKey, now);
    // The count stays (the provider was asked); only the key is forgotten.
    return { allowed: true, startFailed: () => this.#startedKeys.delete(replayKey) };
  }
}

/**
 * The idempotency keys customers started with, for a day (as long as Stripe honours one). Bounded:
 * every key here was a counted start, so its growth is capped by the limits, and past `maxKeys` the
 * oldest are forgotten; a replay of a forgotten key is merely counted again.
 */
class StartedKeys {
  readonly #expiresAt = new Map<string, number>();
  readonly #ttlMs = 24 * 60 * 60_000;
  readonly #maxKeys = 50_000;

  has(key: string, now: number): boolean {
    const expiresAt = this.#expiresAt.get(key);
    if (expiresAt === undefined) return false;
    if (expiresAt > now) return true;
    this.#expiresAt.delete(key);
    return false;
  }

  add(key: string, now: number): void {
    // A Map iterates in insertion order, so the first entries are the oldest keys.
    for (const oldest of this.#expiresAt.keys()) {
      if (this.#expiresAt.size < this.#maxKeys) break;
      this.#expiresAt.delete(oldest);
    }
    this.#expiresAt.set(key, now + this.#ttlMs);
  }

  delete(key: string): void {
    this.#expiresAt.delete(key);
  }
}
