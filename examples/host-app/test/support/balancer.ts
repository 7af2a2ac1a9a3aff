import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Balancer {
  /** `http://localhost:{port}/`: the PUBLIC_URL of the instances behind it. */
  readonly url: string;
  /** Says which instance (its listening URL) gets each request; set once the instances are up. */
  routeBy(route: (request: IncomingMessage) => string): void;
  close(): Promise<void>;
}

/**
 * A load balancer in front of several instances, as small as it gets: each request goes, unchanged
 * (Host header included, so the app's same-origin check sees the public host), to the instance the
 * route names. Tests use it to send one step of a flow to one instance and the next to another.
 */
export async function startBalancer(): Promise<Balancer> {
  let route: ((request: IncomingMessage) => string) | undefined;
  const sockets = new Set<Socket>();
  const server = createServer((incoming, outgoing) => {
    const target = route?.(incoming);
    if (target === undefined) {
      outgoing.writeHead(502).end('no instance yet');
      return;
    }
    const upstream = request(
      new URL(incoming.url ?? '/', target),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: AddressInfo | string | null = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://localhost:${port}/`,
    routeBy(next) {
      route = next;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
