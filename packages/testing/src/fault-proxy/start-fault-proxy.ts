import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { applyTransportFault } from '../faults/apply-transport-fault.js';
import { Fault, type FaultInput } from '../faults/fault.js';
import { FaultSwitchboard } from '../faults/fault-switchboard.js';
import { startHttpServer } from '../http/start-http-server.js';

/** One request that passed the proxy. Bodies are not kept: they carry passwords and card data. */
export interface ProxiedRequest {
  readonly method: string;
  /** The path without its query string (queries may carry secrets). */
  readonly path: string;
  /** The fault injected into this request, if any. */
  readonly fault?: Fault['kind'];
  /** The status the client got; absent when it got none (reset, hang, upstream failure mid-answer). */
  readonly statusCode?: number;
}

/** A fault to arm when the proxy starts. */
export interface FaultPlanEntry {
  /** A path prefix: `/` matches everything, `/api/sessions` that path and everything under it. */
  readonly path: string;
  readonly fault: FaultInput;
  /** How many matching requests it hits (default: all until cleared). */
  readonly times?: number;
  /** How many matching requests to let through first. */
  readonly after?: number;
}

export interface FaultProxyOptions {
  /** The server to forward to, e.g. an emulator's `http://127.0.0.1:port` (http only). */
  readonly target: string;
  readonly plan?: readonly FaultPlanEntry[];
}

export interface FaultProxy {
  /** `http://127.0.0.1:{port}`: give this to the provider instead of the emulator's own URL. */
  readonly baseUrl: string;
  readonly target: string;
  /** Every request seen, in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  /**
   * Injects `fault` into requests whose path starts with `pathPrefix`: the first `after` matching
   * requests pass, then `times` of them are hit (all, by default, until `clear`). Only transport faults
   * can be injected: a proxy cannot speak a provider's protocol (`malformed`, `reject`).
   */
  arm(pathPrefix: string, fault: FaultInput, options?: { times?: number; after?: number }): FaultProxy;
  /** Disarms one prefix, or everything. */
  clear(pathPrefix?: string): void;
  /** Requests seen on exactly this path, faulted or not. */
  hits(path: string): number;
  /** Stops listening and destroys open connections (hung requests included). */
  close(): Promise<void>;
}

// Headers that describe one connection, not the message: never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/**
 * A reverse proxy on 127.0.0.1 that forwards every request to `target` and injects transport faults
 * (timeouts by `hang`/`delay`, resets, 5xx, HTML, garbage, empty bodies) by path prefix and call
 * count. It lets one suite fault any provider's traffic without knowing its protocol. Absolute
 * `Location` headers that point at the target are rewritten to point at the proxy.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.protocol !== 'http:') throw new TypeError('The fault proxy forwards to http targets only');
  const targetBase = target.pathname.replace(/\/$/, '');
  const switchboard = new FaultSwitchboard();
  const requests: ProxiedRequest[] = [];
  const agent = new http.Agent({ keepAlive: true });
  let proxyOrigin = '';

  const arm = (
    pathPrefix: string,
    input: FaultInput,
    count: { times?: number; after?: number } = {},
  ): void => {
    const fault = Fault.parse(input);
    if (fault.kind === 'malformed' || fault.kind === 'reject') {
      throw new TypeError(`A proxy cannot inject "${fault.kind}": arm it on the emulator's own switchboard`);
    }
    switchboard.arm(pathPrefix, fault, count);
  };
  for (const entry of options.plan ?? []) arm(entry.path, entry.fault, entry);

  const rewriteLocation = (headers: IncomingHttpHeaders): IncomingHttpHeaders => {
    const location = headers.location;
    const targetRoot = `${target.origin}${targetBase}`;
    if (location === undefined || !location.startsWith(targetRoot)) return headers;
    return { ...headers, location: `${proxyOrigin}${location.slice(targetRoot.length)}` };
  };

  const forward = (req: IncomingMessage, res: ServerResponse, seen: { statusCode?: number }) =>
    new Promise<void>((resolve) => {
      const upstream = http.request({
        agent,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: `${targetBase}${req.url ?? '/'}`,
        headers: { ...forwardable(req.headers), host: target.host },
      });
      upstream.on('response', (answer) => {
        seen.statusCode = answer.statusCode ?? 502;
        res.writeHead(seen.statusCode, rewriteLocation(forwardable(answer.headers)));
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => {
          res.destroy();
          resolve();
        });
      });
      upstream.on('error', () => {
        // The target failed: answer as a gateway would, or cut the client off mid-answer.
        if (res.headersSent) res.destroy();
        else {
          seen.statusCode = 502;
          res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
        }
        resolve();
      });
      req.pipe(upstream);
    });

  const server = await startHttpServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy.invalid').pathname;
    const fault = switchboard.takeByPrefix(path);
    const seen: { method: string; path: string; fault?: Fault['kind']; statusCode?: number } = {
      method: req.method ?? 'GET',
      path,
      ...(fault ? { fault: fault.kind } : {}),
    };
    requests.push(seen);
    if (fault) {
      const answered = await applyTransportFault(fault, req, res);
      if (answered) {
        if (res.headersSent) seen.statusCode = res.statusCode;
        return;
      }
      // A delayed request whose client already gave up is not forwarded: it must have no effect.
      if (req.socket.destroyed || res.destroyed) return;
    }
    await forward(req, res, seen);
  });
  proxyOrigin = server.baseUrl;

  const proxy: FaultProxy = {
    baseUrl: server.baseUrl,
    target: options.target,
    requests,
    arm(pathPrefix, fault, count) {
      arm(pathPrefix, fault, count);
      return proxy;
    },
    clear: (pathPrefix) => switchboard.clear(pathPrefix),
    hits: (path) => switchboard.hits(path),
    close: async () => {
      await server.close();
      agent.destroy();
    },
  };
  return proxy;
}
