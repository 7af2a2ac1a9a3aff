import type { IncomingMessage, ServerResponse } from 'node:http';
import { TEST_CARDS } from '../../src/index.js';

/** Binds like the success card; every charge on it is declined `insufficient_funds`. */
export const MINIPAY_CHARGE_DECLINE_CARD = TEST_CARDS.mir;

interface Order {
  status: 'succeeded' | 'declined';
  amount: number;
  refunded: number;
  declineCode?: string;
  /** The answer a repeat of the order's request gets: MiniPay never debits an order twice. */
  answer: Record<string, unknown>;
}

/** MiniPay's charge API, kept by the gateway: a ledger of debits and order-id dedupe. */
export interface MiniPayCharges {
  /** The order id of every debit, one entry per debit: what the suite counts money by. */
  readonly debits: readonly string[];
  /** Every request to charge `orderId` takes effect, then its connection is dropped unanswered. */
  loseAnswer(orderId: string): void;
  /** Serves `/api/charges/...`; `path` is what follows `/api/charges`. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: readonly string[],
    fields: Record<string, string>,
  ): void;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/**
 * `POST /api/charges` (order_id, card_token, amount in minor units) debits once per order id, or
 * declines for the decline card; `GET /api/charges/{order}` is the status (404 for an order never
 * received); `POST /api/charges/{order}/refunds` (refund_id, amount) refunds at most what is left.
 * `cardNumberOf` is the gateway's own record of which card a token stands for.
 */
export function miniPayCharges(cardNumberOf: (token: string) => string | undefined): MiniPayCharges {
  const orders = new Map<string, Order>();
  const refunds = new Map<string, Record<string, unknown>>();
  const debits: string[] = [];
  const losing = new Set<string>();

  const charge = (res: ServerResponse, fields: Record<string, string>, lose: () => boolean): void => {
    const orderId = fields['order_id'] ?? '';
    const number = cardNumberOf(fields['card_token'] ?? '');
    const amount = Number(fields['amount']);
    if (orderId === '' || number === undefined || !Number.isSafeInteger(amount) || amount <= 0) {
      return json(res, 400, { error: 'bad charge request' });
    }
    let order = orders.get(orderId);
    if (!order) {
      order =
        number === MINIPAY_CHARGE_DECLINE_CARD.number
          ? {
              status: 'declined',
              amount,
              refunded: 0,
              declineCode: 'insufficient_funds',
              answer: { status: 'declined', decline_code: 'insufficient_funds' },
            }
          : { status: 'succeeded', amount, refunded: 0, answer: { status: 'succeeded' } };
      orders.set(orderId, order);
      if (order.status === 'succeeded') debits.push(orderId);
    }
    if (lose()) return;
    json(res, 200, order.answer);
  };

  return {
    debits,
    loseAnswer: (orderId) => {
      losing.add(orderId);
    },
    handle(req, res, path, fields) {
      const [orderId, sub] = path;
      if (req.method === 'POST' && orderId === undefined) {
        return charge(res, fields, () => {
          if (!losing.has(fields['order_id'] ?? '')) return false;
          // The debit took effect; the answer never leaves.
          req.socket.destroy();
          return true;
        });
      }
      const order = orders.get(orderId ?? '');
      if (!order) return json(res, 404, { error: 'no such charge' });
      if (req.method === 'GET' && sub === undefined) {
        return json(res, 200, {
          status: order.status,
          amount: order.amount,
          refunded: order.refunded,
          ...(order.declineCode === undefined ? {} : { decline_code: order.declineCode }),
        });
      }
      if (req.method === 'POST' && sub === 'refunds') {
        const refundId = fields['refund_id'] ?? '';
        const amount = Number(fields['amount']);
        const done = refunds.get(refundId);
        if (done) return json(res, 200, done);
        if (order.status !== 'succeeded') return json(res, 409, { error: 'not refundable' });
        if (!Number.isSafeInteger(amount) || amount <= 0 || amount > order.amount - order.refunded) {
          return json(res, 422, { error: 'amount exceeds charge' });
        }
        order.refunded += amount;
        const answer = { status: 'succeeded', refunded: order.refunded };
        refunds.set(refundId, answer);
        return json(res, 200, answer);
      }
      json(res, 404, { error: 'not found' });
    },
  };
}
