import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFields, startHttpServer, TEST_CARDS } from '../../src/index.js';

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
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/**
 * A deliberately small JSON gateway for the suite's own tests: sessions, a hosted page, a status API,
 * and a "keep the card" call that mints a token per call unless an Idempotency-Key repeats. Its status
 * answer carries the full card number (as gateways do for PCI-scoped merchants), so a provider that
 * logs the answer leaks it.
 */
export async function startMiniPayGateway(apiKey: string): Promise<MiniPayGateway> {
  const sessions = new Map<string, Session>();
  const tokensByKey = new Map<string, string>();
  const cards = new Map<string, number>();
  let counter = 0;

  const authorised = (req: IncomingMessage): boolean => req.headers.authorization === `Bearer ${apiKey}`;

  const server = await startHttpServer(async (req, res) => {
    const { path, fields } = await readFields(req);
    const [, area, id, action, sub] = path.split('/');
    if (area === 'api') {
      if (!authorised(req)) return json(res, 401, { error: 'unauthorised' });
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
      if (number === TEST_CARDS.success.number) {
        session.status = 'succeeded';
        session.card = { number, expiry: fields['expiry'] ?? '', holder: fields['holder'] ?? '' };
      } else {
        session.status = 'declined';
        session.declineCode = 'do_not_honor';
      }
      res.writeHead(303, { location: session.returnUrl }).end();
      return;
    }
    json(res, 404, { error: 'not found' });
  });

  return {
    baseUrl: server.baseUrl,
    cardsFor: (customerId) => cards.get(customerId) ?? 0,
    close: () => server.close(),
  };
}
