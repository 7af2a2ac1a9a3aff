import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { passesLuhn } from '@cardbind/core';
import {
  applyTransportFault,
  FaultSwitchboard,
  readFields,
  startHttpServer,
  TEST_CARDS,
} from '@cardbind/testing';
import { type ChargeRoute, chargeApi, type ToyPayCharges } from './toypay-charges.js';

/** Fault-switchboard routes: one per ToyPay API call, plus the hosted page. */
export type ToyPayRoute = 'create-session' | 'get-session' | 'delete-card' | 'hosted-page' | ChargeRoute;

export interface ToyPayEmulatorOptions {
  apiKey: string;
  webhookSecret: string;
  /** Where notifications go (none are sent without one). */
  notifyUrl?: string;
  sessionTtlMs?: number;
  /** The origin of hosted-page URLs; default the emulator's own. Tests use it to hand out a bad URL. */
  pageOrigin?: string;
}

interface Session {
  id: string;
  customerReference: string;
  returnUrl?: string;
  status: 'open' | 'succeeded' | 'declined' | 'expired';
  expiresAt: Date;
  declineCode?: string;
  card?: {
    token: string;
    bin: string;
    last4: string;
    brand: string;
    exp_month: number;
    exp_year: number;
    holder: string;
  };
}

export interface ToyPayEmulator {
  readonly baseUrl: string;
  readonly faults: FaultSwitchboard;
  /** Cards ToyPay holds for a customer: what "saved at the provider" means here. */
  cardsFor(customerReference: string): number;
  /** Ends a session's lifetime now. */
  expire(sessionId: string): void;
  /** Notifications sent, with the host's answer status. */
  readonly notifications: readonly { event: string; sessionId: string; status: number }[];
  /** The charge API's ledger (what money moved) and its lost-answer switch. */
  readonly charges: ToyPayCharges;
  close(): Promise<void>;
}

/** The hosted page's decisions, by TEST_CARDS number. Any other Luhn-valid number binds. */
const DECLINES: ReadonlyMap<string, string> = new Map([
  [TEST_CARDS.decline.number, 'do_not_honor'],
  [TEST_CARDS.insufficientFunds.number, 'insufficient_funds'],
]);

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
};

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * ToyPay on 127.0.0.1: the merchant API (`/v1/...`, bearer auth, JSON; charges in
 * `toypay-charges.ts`), the hosted card page (`/pay/{session}`), and signed notifications. It
 * answers protocol faults in its own format: `malformed` is truncated JSON, `reject` is a 4xx with
 * ToyPay's error body.
 */
export async function startToyPayEmulator(options: ToyPayEmulatorOptions): Promise<ToyPayEmulator> {
  const sessions = new Map<string, Session>();
  const byIdempotencyKey = new Map<string, string>();
  const cards = new Map<string, Set<string>>();
  /** The number behind each token ToyPay holds: what decides how a charge on it goes. */
  const numbers = new Map<string, string>();
  const notifications: { event: string; sessionId: string; status: number }[] = [];
  const faults = new FaultSwitchboard();
  const ttlMs = options.sessionTtlMs ?? 30 * 60_000;

  const current = (session: Session): Session => {
    if (session.status === 'open' && session.expiresAt.getTime() <= Date.now()) session.status = 'expired';
    return session;
  };

  const view = (session: Session): Record<string, unknown> => ({
    id: session.id,
    status: session.status,
    ...(session.status === 'succeeded' ? { card: session.card } : {}),
    ...(session.status === 'declined' ? { decline_code: session.declineCode } : {}),
  });

  const notify = async (event: string, session: Session): Promise<void> => {
    if (!options.notifyUrl) return;
    const response = await fetch(options.notifyUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        // ToyPay's documented signature, computed here from the wire rules, not with the provider's code.
        'x-toypay-signature': createHmac('sha256', options.webhookSecret)
          .update(`${event}.${session.id}`)
          .digest('hex'),
      },
      body: new URLSearchParams({ event, session_id: session.id }).toString(),
    }).catch(() => undefined);
    notifications.push({ event, sessionId: session.id, status: response?.status ?? 0 });
  };

  /** Applies an armed fault; true when it answered. */
  const faulted = async (route: ToyPayRoute, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const fault = faults.take(route);
    if (!fault) return false;
    if (fault.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"ses_');
      return true;
    }
    if (fault.kind === 'reject') {
      json(res, 400, { error: { code: fault.code } });
      return true;
    }
    return applyTransportFault(fault, req, res);
  };

  const charges = chargeApi({ json, faulted, cardNumber: (token) => numbers.get(token) });

  const api = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string[],
    fields: Record<string, string>,
  ) => {
    if (req.headers.authorization !== `Bearer ${options.apiKey}`)
      return json(res, 401, { error: { code: 'invalid_api_key' } });
    const [resource, id, action] = path;
    if (resource === 'sessions' && id === undefined && req.method === 'POST') {
      if (await faulted('create-session', req, res)) return;
      const key = req.headers['idempotency-key'];
      const replayed = typeof key === 'string' ? sessions.get(byIdempotencyKey.get(key) ?? '') : undefined;
      const session: Session = replayed ?? {
        id: `ses_${randomBytes(8).toString('hex')}`,
        customerReference: fields['customer_reference'] ?? '',
        status: 'open',
        expiresAt: new Date(Date.now() + ttlMs),
        ...(fields['return_url'] ? { returnUrl: fields['return_url'] } : {}),
      };
      sessions.set(session.id, session);
      if (typeof key === 'string') byIdempotencyKey.set(key, session.id);
      return json(res, 200, {
        id: session.id,
        hosted_page_url: `${options.pageOrigin ?? server.baseUrl}/pay/${session.id}`,
        expires_at: session.expiresAt.toISOString(),
      });
    }
    if (resource === 'sessions' && id !== undefined && req.method === 'GET') {
      if (await faulted('get-session', req, res)) return;
      const session = sessions.get(id);
      return session
        ? json(res, 200, view(current(session)))
        : json(res, 404, { error: { code: 'session_not_found' } });
    }
    if (resource === 'cards' && id !== undefined && action === 'delete' && req.method === 'POST') {
      if (await faulted('delete-card', req, res)) return;
      for (const held of cards.values()) {
        if (held.delete(id)) {
          numbers.delete(id);
          return json(res, 200, { deleted: true });
        }
      }
      return json(res, 404, { error: { code: 'card_not_found' } });
    }
    if (resource === 'charges') return charges.handle(req, res, path.slice(1), fields);
    json(res, 404, { error: { code: 'not_found' } });
  };

  const hostedPage = async (
    req: IncomingMessage,
    res: ServerResponse,
    sessionId: string,
    fields: Record<string, string>,
  ) => {
    if (await faulted('hosted-page', req, res)) return;
    const found = sessions.get(sessionId);
    const session = found ? current(found) : undefined;
    if (!session || session.status !== 'open') {
      res
        .writeHead(410, { 'content-type': 'text/html; charset=utf-8' })
        .end('<p>This payment page has expired.</p>');
      return;
    }
    if (req.method === 'GET') {
      res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; form-action 'self'",
        })
        .end(
          `<form method="post" action="/pay/${escapeHtml(session.id)}">` +
            '<input name="number"><input name="exp" placeholder="MMYY"><input name="cvc"><input name="holder">' +
            '<button>Save card</button></form>',
        );
      return;
    }
    const number = (fields['number'] ?? '').replace(/\D/g, '');
    const exp = fields['exp'] ?? '';
    if (!passesLuhn(number) || !/^\d{4}$/.test(exp)) {
      res
        .writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
        .end('<p>Check the card details.</p>');
      return;
    }
    const declineCode = DECLINES.get(number);
    if (declineCode) {
      session.status = 'declined';
      session.declineCode = declineCode;
    } else {
      const token = `card_${randomBytes(8).toString('hex')}`;
      session.status = 'succeeded';
      session.card = {
        token,
        bin: number.slice(0, 6),
        last4: number.slice(-4),
        brand: number.startsWith('4') ? 'Visa' : number.startsWith('22') ? 'Mir' : 'Mastercard',
        exp_month: Number(exp.slice(0, 2)),
        exp_year: 2000 + Number(exp.slice(2)),
        holder: fields['holder'] ?? '',
      };
      const held = cards.get(session.customerReference) ?? new Set<string>();
      held.add(token);
      cards.set(session.customerReference, held);
      numbers.set(token, number);
    }
    await notify(`session.${session.status}`, session);
    // The return URL's `result` is a hint for the page only; ToyPay warns it can be forged.
    const back = new URL(session.returnUrl ?? `${server.baseUrl}/done`);
    back.searchParams.set('session_id', session.id);
    back.searchParams.set('result', session.status);
    res.writeHead(303, { location: back.toString() }).end();
  };

  const server = await startHttpServer(async (req, res) => {
    const { path, fields } = await readFields(req);
    const [, area, ...rest] = path.split('/');
    if (area === 'v1') return api(req, res, rest, fields);
    if (area === 'pay' && rest[0] !== undefined) return hostedPage(req, res, rest[0], fields);
    json(res, 404, { error: { code: 'not_found' } });
  });

  return {
    baseUrl: server.baseUrl,
    faults,
    notifications,
    charges: { ledger: charges.ledger, debits: charges.debits, loseAnswer: charges.loseAnswer },
    cardsFor: (customerReference) => cards.get(customerReference)?.size ?? 0,
    expire: (sessionId) => {
      const session = sessions.get(sessionId);
      if (session) session.expiresAt = new Date(0);
    },
    close: () => server.close(),
  };
}
