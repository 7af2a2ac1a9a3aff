import type { IncomingMessage } from 'node:http';
import type { CallbackOutcome, CallbackRequest, CardBindingService } from '@cardbind/core';
import { readBody } from '../http/read-request.js';
import { startHttpServer } from '../http/start-http-server.js';

export interface ReceivedCallback {
  readonly request: CallbackRequest;
  /** True when it arrived while holding: answered 200 OK and kept for `releaseHeld`. */
  readonly held: boolean;
  /** What the service answered, once delivered. */
  outcome?: CallbackOutcome;
}

/**
 * The host's callback route, for a conformance run: every request (any path except `/return`) is
 * decoded and handed to `service.handleCallback(providerId, request)`, and the service's response is
 * answered. While holding, callbacks are answered 200 and kept, as if the host had been down; the
 * suite replays them later (in the race) with `releaseHeld`.
 */
export interface CallbackReceiver {
  readonly baseUrl: string;
  readonly received: readonly ReceivedCallback[];
  /**
   * Points the receiver at the service under test (callbacks before that answer 503); `observe` sees
   * every outcome the service gives.
   */
  attach(service: CardBindingService, observe?: (outcome: CallbackOutcome) => void): void;
  hold(holding: boolean): void;
  /**
   * Delivers every held callback `copies` times (duplicates happen: providers retry), all at once,
   * and resolves with the service's outcomes. Holding stops.
   */
  releaseHeld(copies?: number): Promise<CallbackOutcome[]>;
  /** Resolves when deliveries in progress have finished. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeBody(contentType: string, body: string): Record<string, string> {
  if (body === '') return {};
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body));
  }
  if (contentType.includes('json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (!isRecord(parsed)) return {};
      return Object.fromEntries(
        Object.entries(parsed).flatMap(([key, value]) =>
          typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
            ? [[key, String(value)]]
            : [],
        ),
      );
    } catch {
      return {};
    }
  }
  return {};
}

async function toCallbackRequest(req: IncomingMessage): Promise<CallbackRequest> {
  const url = new URL(req.url ?? '/', 'http://receiver.invalid');
  const headers = Object.fromEntries(
    Object.entries(req.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
    ),
  );
  const body = req.method === 'GET' ? '' : await readBody(req);
  return {
    method: req.method ?? 'POST',
    path: url.pathname,
    headers,
    query: Object.fromEntries(url.searchParams),
    body: decodeBody(headers['content-type'] ?? '', body),
    // Exactly as received, for providers that verify a signature over the raw body.
    rawBody: body,
  };
}

export async function startCallbackReceiver(providerId: string): Promise<CallbackReceiver> {
  let service: CardBindingService | undefined;
  let observe: (outcome: CallbackOutcome) => void = () => undefined;
  let holding = false;
  const received: ReceivedCallback[] = [];
  const inFlight = new Set<Promise<unknown>>();

  const deliver = async (entry: ReceivedCallback): Promise<CallbackOutcome> => {
    if (!service) throw new Error('The callback receiver has no service yet');
    const work = service.handleCallback(providerId, entry.request);
    inFlight.add(work);
    try {
      const outcome = await work;
      entry.outcome = outcome;
      observe(outcome);
      return outcome;
    } finally {
      inFlight.delete(work);
    }
  };

  const server = await startHttpServer(async (req, res) => {
    const request = await toCallbackRequest(req);
    if (request.path?.startsWith('/return')) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('returned');
      return;
    }
    if (!service) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('not ready');
      return;
    }
    const entry: ReceivedCallback = { request, held: holding };
    received.push(entry);
    if (holding) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('OK');
      return;
    }
    const outcome = await deliver(entry);
    res.writeHead(outcome.response.status, outcome.response.headers).end(outcome.response.body);
  });

  return {
    baseUrl: server.baseUrl,
    received,
    attach: (target, observer) => {
      service = target;
      if (observer) observe = observer;
    },
    hold: (value) => {
      holding = value;
    },
    releaseHeld: (copies = 1) => {
      holding = false;
      const held = received.filter((entry) => entry.held && entry.outcome === undefined);
      return Promise.all(held.flatMap((entry) => Array.from({ length: copies }, () => deliver(entry))));
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close: () => server.close(),
  };
}
