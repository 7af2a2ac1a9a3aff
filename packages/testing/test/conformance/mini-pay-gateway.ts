import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFields, startHttpServer, TEST_CARDS } from '../../src/index.js';
import { MINIPAY_CHARGE_DECLINE_CARD, type MiniPayCharges, miniPayCharges } from './mini-pay-charges.js';

interface Session {
  id: string;
  customerId: string;
  returnUrl: string;
  status: 'open' | 'succeeded' | 'declined';
  declineCode?: string;
  card?: { number: string; expiry: string; holder: string };
}

export interface MiniPayGateway {
  readonly baseUrl: string;
  /** Card tokens the gateway minted per customer: what "saved at the provider" means here. */
  cardsFor(customerId: string): number;
  /** The charge API's ledger and controls. */
  readonly charges: Omit<MiniPayCharges, 'handle'>;
  close(): Promise<void>;
}

export interface MiniPayGatewayOptions {
  readonly apiKey: string;
  /** Signs webhooks: `x-minipay-signature: sha256=<hex HMAC-SHA-256 of the raw body>`. */
  readonly webhookSecret: string;
  /** Where a webhook goes when the customer has paid or was declined. */
  readonly webhookUrl: string;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/**
 * A deliberately small JSON gateway for the suite's own tests: sessions, a hosted page, a status API,
 * and a "keep the card" call that mints a token per call unless an Idempotency-Key repeats. Its status
 * answer carries the full card number (as gateways do for PCI-scoped merchants), so a provider that
 * logs the answer leaks it. When the customer has paid (or was declined) it sends a signed JSON webhook
 * and answers the page only once the host has answered it. Saved cards can be charged and refunded
 * (`mini-pay-charges.ts`).
 */
export async function startMiniPayGateway({
  apiKey,
  webhookSecret,
  webhookUrl,
}: MiniPayGatewayOptions): Promise<MiniPayGateway> {
  const sessions = new Map<string, Session>();
  const tokensByKey = new Map<string, string>();
  const cards = new Map<string, number>();
  const numbersByToken = new Map<string, string>();
  const charges = miniPayCharges((token) => numbersByToken.get(token));
  let counter = 0;

  const sendWebhook = async (session: Session): Promise<void> => {
    const body = JSON.stringify({
      event_id: `evt_${++counter}`,
      session_id: session.id,
      status: session.status,
    });
    const signature = createHmac('sha256', webhookSecret).update(body).digest('hex');
    // A host that is down or refuses it just misses it: the return route and finalise still work.
    await fetch(`${webhookUrl}/minipay/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-minipay-signature': `sha256=${signature}` },
      body,
    })
      .then((response) => response.text())
      .catch(() => undefined);
  };

  const authorised = (req: IncomingMessage): boolean => req.headers.authorization === `Bearer ${apiKey}`;

  const server = await startHttpServer(async (req, res) => {
    const { path, fields } = await readFields(req);
    const [, area, id, action, sub] = path.split('/');
    if (area === 'api') {
      if (!authorised(req)) return json(res, 401, { error: 'unauthorised' });
      if (id === 'charges') return charges.handle(req, res, path.split('/').slice(3), fields);
      if (req.method === 'POST' && id === 'sessions' && action === undefined) {
        const session: Session = {
          id: `ses_${++counter}`,
          customerId: fields['customer_id'] ?? '',
          returnUrl: fields['return_url'] ?? '',
          status: 'open',
        };
        sessions.set(session.id, session);
        return json(res, 201, { session_id: session.id, page_url: `${server.baseUrl}/pay/${session.id}` });
      }
      const session = sessions.get(action ?? '');
      if (id !== 'sessions' || !session) return json(res, 404, { error: 'no such session' });
      if (req.method === 'GET' && sub === undefined) {
        return json(res, 200, {
          status: session.status,
          ...(session.declineCode ? { decline_code: session.declineCode } : {}),
          ...(session.card ? { card: session.card } : {}),
        });
      }
      if (req.method === 'POST' && sub === 'card' && session.status === 'succeeded') {
        const key = req.headers['idempotency-key'];
        const existing = typeof key === 'string' ? tokensByKey.get(key) : undefined;
        if (existing) return json(res, 200, { token: existing });
        const token = `tok_${++counter}`;
        if (typeof key === 'string') tokensByKey.set(key, token);
        if (session.card) numbersByToken.set(token, session.card.number);
        cards.set(session.customerId, (cards.get(session.customerId) ?? 0) + 1);
        return json(res, 200, { token });
      }
      return json(res, 409, { error: 'not possible now' });
    }
    if (area === 'pay' && id !== undefined) {
      const session = sessions.get(id);
      if (!session) return json(res, 404, { error: 'no such session' });
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<form method="post">card form</form>');
        return;
      }
      const number = fields['number'] ?? '';
      if (number === TEST_CARDS.success.number || number === MINIPAY_CHARGE_DECLINE_CARD.number) {
        session.status = 'succeeded';
        session.card = { number, expiry: fields['expiry'] ?? '', holder: fields['holder'] ?? '' };
      } else {
        session.status = 'declined';
        session.declineCode = 'do_not_honor';
      }
      await sendWebhook(session);
      res.writeHead(303, { location: session.returnUrl }).end();
      return;
    }
    json(res, 404, { error: 'not found' });
  });

  return {
    baseUrl: server.baseUrl,
    cardsFor: (customerId) => cards.get(customerId) ?? 0,
    charges,
    close: () => server.close(),
  };
}
