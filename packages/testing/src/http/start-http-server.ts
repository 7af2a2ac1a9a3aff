import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RunningServer {
  /** `http://127.0.0.1:{port}` */
  readonly baseUrl: string;
  readonly port: number;
  readonly server: Server;
  /** TCP connections accepted so far: benchmarks read it to prove keep-alive reuse. */
  readonly connectionsAccepted: number;
  close(): Promise<void>;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/**
 * A real HTTP server on 127.0.0.1 (an ephemeral port unless given). A handler that throws answers 500
 * rather than crashing the test process. `close()` also destroys idle keep-alive sockets.
 */
export async function startHttpServer(
  handler: RequestHandler,
  options: { port?: number } = {},
): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('emulator error');
      });
  });
  server.on('connection', (socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? (address satisfies AddressInfo).port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    server,
    get connectionsAccepted() {
      return accepted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
