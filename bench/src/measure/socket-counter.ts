import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { z } from 'zod';

const ServerRequestStart = z.object({
  request: z.custom<IncomingMessage>((value) => typeof value === 'object' && value !== null),
  socket: z.custom<Socket>((value) => typeof value === 'object' && value !== null),
});

/**
 * Counts the TCP connections the in-process servers (the emulators) accepted, sorted by the first
 * request each carried: the provider's API calls apart from the customer's page loads, which a real
 * browser makes over its own connections. Listens on Node's `http.server.request.start` channel, so it
 * needs nothing from the emulator.
 */
export class SocketCounter {
  readonly #seen = new WeakSet<Socket>();
  readonly #counts = new Map<string, number>();
  readonly #classify: (path: string) => string;
  readonly #listener = (message: unknown): void => {
    const parsed = ServerRequestStart.safeParse(message);
    if (!parsed.success || this.#seen.has(parsed.data.socket)) return;
    this.#seen.add(parsed.data.socket);
    const kind = this.#classify(parsed.data.request.url ?? '/');
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + 1);
  };

  constructor(classify: (path: string) => string) {
    this.#classify = classify;
    diagnostics.subscribe('http.server.request.start', this.#listener);
  }

  count(kind: string): number {
    return this.#counts.get(kind) ?? 0;
  }

  close(): void {
    diagnostics.unsubscribe('http.server.request.start', this.#listener);
  }
}
