import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { ErrorBody } from '../../src/shared/api-types.js';

export interface InjectAnswer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  json: unknown;
  text: string;
}

export interface InjectRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  url: string;
  cookie?: string;
  json?: unknown;
  /** The peer's address as the socket would report it: how one test plays several clients. */
  remoteAddress?: string;
  headers?: Record<string, string>;
}

/**
 * Requests through Fastify's own `inject`: the whole app (hooks, parsers, error handler) runs, only the
 * socket is simulated, so a test can choose the source address.
 */
export class InjectClient {
  constructor(private readonly app: FastifyInstance) {}

  async request(request: InjectRequest): Promise<InjectAnswer> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.cookie !== undefined) headers.cookie = request.cookie;
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    const response = await this.app.inject({
      method: request.method ?? 'GET',
      url: request.url,
      headers,
      ...(request.json === undefined ? {} : { payload: JSON.stringify(request.json) }),
      ...(request.remoteAddress === undefined ? {} : { remoteAddress: request.remoteAddress }),
    });
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, headers: response.headers, json, text: response.body };
  }

  /** Logs in as `customer` and answers the `name=value` cookie pair to send back. */
  async logIn(customer: string, remoteAddress?: string): Promise<string> {
    const answer = await this.request({
      method: 'POST',
      url: '/api/session',
      json: { customer },
      ...(remoteAddress === undefined ? {} : { remoteAddress }),
    });
    expect(answer.status).toBe(200);
    return cookiePair(answer);
  }
}

/** The `name=value` part of the answer's Set-Cookie. */
export function cookiePair(answer: InjectAnswer): string {
  const setCookie = answer.headers['set-cookie'];
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return String(first ?? '').split(';')[0] ?? '';
}

export function errorCodeOf(answer: InjectAnswer): string {
  return ErrorBody.parse(answer.json).error.code;
}
