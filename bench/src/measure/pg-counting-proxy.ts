import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { WireCounter } from './pg-wire.js';

/**
 * A loopback TCP proxy in front of a PostgreSQL server that counts what clients send through it
 * (`WireCounter`). Only counting passes go through it: the timed rounds connect to the server directly,
 * so the proxy's extra hop is in no measured time.
 */
export class CountingProxy {
  readonly counter = new WireCounter();
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  #port = 0;

  private constructor(private readonly target: { host: string; port: number }) {
    this.#server = createServer((client) => this.#relay(client));
  }

  static async start(target: { host: string; port: number }): Promise<CountingProxy> {
    const proxy = new CountingProxy(target);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = proxy.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port');
    proxy.#port = address.port;
    return proxy;
  }

  /** `url` pointed at the proxy instead of the server (same user, database and options). */
  urlFor(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.#port);
    return parsed.toString();
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(client: Socket): void {
    const upstream = createConnection(this.target);
    const reader = this.counter.connection();
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      // A reset on either side ends both; a proxy error must not crash the bench.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => reader.feed(chunk));
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
