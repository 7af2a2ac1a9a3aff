import { fillFormParams, FormAction, RedirectAction, toUrlSearchParams } from '@cardbind/core/client';
import type { TestCard } from '@cardbind/testing/emulators';
import {
  BindingEnvelope,
  type BindingView,
  CardsEnvelope,
  type CardListItem,
  SessionView,
} from '../../src/shared/api-types.js';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

/**
 * The host's HTTP API over the network, as the page's script and the browser use it: JSON calls with
 * the session cookie, and the GETs a browser makes when a provider sends it back. No browser needed.
 */
export class HostApi {
  constructor(readonly url: string) {}

  async request(
    path: string,
    init: { method?: string; cookie?: string; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.cookie !== undefined) headers.cookie = init.cookie;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, this.url), {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  /** Logs in as `customer`; answers the `name=value` cookie pair. */
  async logIn(customer: string): Promise<string> {
    const answer = await this.request('/api/session', { method: 'POST', json: { customer } });
    if (answer.status !== 200) throw new Error(`login answered ${answer.status}`);
    return (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }

  /** Whose session the cookie is, or undefined when this host does not accept it. */
  async customerOf(cookie: string): Promise<string | undefined> {
    const answer = await this.request('/api/session', { cookie });
    return answer.status === 200 ? (SessionView.parse(answer.json).customerId ?? undefined) : undefined;
  }

  async start(cookie: string, provider: 'payture' | 'payonline'): Promise<BindingView> {
    const answer = await this.request('/api/bindings', { method: 'POST', cookie, json: { provider } });
    if (answer.status !== 201) throw new Error(`start answered ${answer.status}: ${answer.text}`);
    return BindingEnvelope.parse(answer.json).binding;
  }

  /** The status the page polls: one provider check for an open binding. */
  async binding(cookie: string, id: string): Promise<BindingView> {
    const answer = await this.request(`/api/bindings/${encodeURIComponent(id)}`, { cookie });
    if (answer.status !== 200) throw new Error(`status answered ${answer.status}: ${answer.text}`);
    return BindingEnvelope.parse(answer.json).binding;
  }

  async cards(cookie: string): Promise<CardListItem[]> {
    const answer = await this.request('/api/cards', { cookie });
    if (answer.status !== 200) throw new Error(`cards answered ${answer.status}: ${answer.text}`);
    return CardsEnvelope.parse(answer.json).cards;
  }

  /**
   * What the browser does when Payture sends it back: the return URL Payture built (with this host's
   * origin, whichever instance issued it) requested on *this* host, with the customer's cookie.
   */
  async paytureReturn(cookie: string, location: string): Promise<ApiAnswer> {
    const returned = new URL(location);
    return this.request(`${returned.pathname}${returned.search}`, { cookie });
  }

  /** Polls the status until it is no longer open, or fails after `timeoutMs`. */
  async settled(cookie: string, id: string, timeoutMs = 10_000): Promise<BindingView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const binding = await this.binding(cookie, id);
      if (binding.status !== 'requires_action' && binding.status !== 'processing') return binding;
      if (Date.now() > deadline)
        throw new Error(`binding ${id} still ${binding.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The Payture Add session a binding sends the customer to. */
export function paytureSessionOf(binding: BindingView): string {
  const action = RedirectAction.parse(binding.nextAction);
  const sessionId = new URL(action.url).searchParams.get('SessionId');
  if (sessionId === null) throw new Error('the redirect names no Payture session');
  return sessionId;
}

/**
 * The PayOnline form a binding asks the page to post, filled with a test card, as the fields the browser
 * would post to the processor. The card goes to the processor only, never to the host.
 */
export function payOnlineForm(binding: BindingView, card: TestCard): { url: string; body: URLSearchParams } {
  const action = FormAction.parse(binding.nextAction);
  const filled = fillFormParams(action, {
    number: card.number,
    expires: card.expires,
    cvv: card.cvv,
    name: card.holder,
    mail: 'customer@example.com',
    country: 'RU',
  });
  return { url: action.url, body: toUrlSearchParams(filled) };
}

/** Posts the filled form to the processor, as `submitCardForm` does from the page. */
export async function postPayOnlineForm(form: { url: string; body: URLSearchParams }): Promise<string> {
  const response = await fetch(form.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: form.body.toString(),
  });
  return response.text();
}
