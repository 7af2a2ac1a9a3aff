/** A session the server knows about. Only what a check needs: no token, no personal data. */
export interface StoredSession {
  readonly sessionId: string;
  readonly customerId: string;
  readonly expiresAt: number;
}

/**
 * Where the host keeps its sessions. A cookie is honoured only while its session is here, so logout
 * (which deletes it) ends the session everywhere, including for a copy of the cookie taken earlier.
 * Every instance behind a load balancer must share one store (a table in the host's database): an
 * instance that does not know a session refuses its cookie, which fails closed rather than open.
 */
export interface SessionStore {
  add(session: StoredSession): Promise<void>;
  /** The session, unless it is missing or expired. */
  find(sessionId: string): Promise<StoredSession | undefined>;
  remove(sessionId: string): Promise<void>;
}

/**
 * Sessions in one process's memory, emptied by a restart (everyone logs in again): for the example's
 * route tests and a host app started without a store; the demo uses `SqlSessionStore`. Bounded:
 * the demo login is open to anyone, so expired sessions are swept and, past `maxSessions`, the oldest
 * live ones are dropped rather than letting a login loop grow the process without limit.
 */
export class InMemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, StoredSession>();
  readonly #maxSessions: number;
  readonly #now: () => number;

  constructor(options: { maxSessions?: number; now?: () => number } = {}) {
    this.#maxSessions = options.maxSessions ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  async add(session: StoredSession): Promise<void> {
    if (this.#sessions.size >= this.#maxSessions) this.#sweep();
    // A Map iterates in insertion order, so the first entry is the oldest session.
    for (const sessionId of this.#sessions.keys()) {
      if (this.#sessions.size < this.#maxSessions) break;
      this.#sessions.delete(sessionId);
    }
    this.#sessions.set(session.sessionId, session);
  }

  async find(sessionId: string): Promise<StoredSession | undefined> {
    const session = this.#sessions.get(sessionId);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(sessionId);
      return undefined;
    }
    return session;
  }

  async remove(sessionId: string): Promise<void> {
    this.#sessions.delete(sessionId);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [sessionId, session] of this.#sessions) {
      if (session.expiresAt <= now) this.#sessions.delete(sessionId);
    }
  }
}
