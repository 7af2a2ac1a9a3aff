import type { IncomingMessage, ServerResponse } from 'node:http';
import { TEST_CARDS, type TestCard } from '@cardbind/testing';

/**
 * ToyPay's magic card for charges: it binds like any card, and every charge on it is declined
 * `insufficient_funds`. Not one of TEST_CARDS (none of them means this), so tests that bind it list
 * its number among their secrets themselves.
 */
export const TOYPAY_CHARGE_DECLINE_CARD: TestCard = {
  ...TEST_CARDS.success,
  number: '4000000000000341',
  meaning: 'binds; every charge declined insufficient_funds',
};

/** Money that moved at the emulated ToyPay, one entry per debit or refund. */
export interface LedgerEntry {
  readonly kind: 'debit' | 'refund';
  readonly orderId: string;
  /** Minor units. */
  readonly amount: number;
  readonly currency: string;
}

export interface ToyPayCharges {
  readonly ledger: readonly LedgerEntry[];
  /** The order id of every debit, one entry per debit. */
  debits(): string[];
  /** Every request to charge `orderId` takes effect (the card is debited), then the answer is lost. */
  loseAnswer(orderId: string): void;
}

export type ChargeRoute = 'create-charge' | 'get-charge' | 'create-refund';

interface Order {
  status: 'succeeded' | 'declined';
  declineCode?: string;
  amount: number;
  currency: string;
  refunded: number;
}

type Json = (res: ServerResponse, status: number, body: unknown) => void;

export interface ChargeApiDeps {
  json: Json;
  /** Applies an armed fault to a route; true when it answered. */
  faulted(route: ChargeRoute, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** The card behind a token ToyPay holds (undefined once deleted): its number decides a decline. */
  cardNumber(token: string): string | undefined;
}

/**
 * ToyPay's charge API: `POST /v1/charges` debits once per `order_id` (a repeat answers the first
 * result and moves nothing), `GET /v1/charges/{order_id}` is the status (404 `charge_not_found` for
 * an order never received), `POST /v1/charges/{order_id}/refunds` refunds at most what is left, once
 * per `refund_id`. Refusals are 4xx with ToyPay's error body.
 */
export function chargeApi(deps: ChargeApiDeps): ToyPayCharges & {
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: readonly string[],
    fields: Record<string, string>,
  ): Promise<void>;
} {
  const { json } = deps;
  const orders = new Map<string, Order>();
  const refunds = new Map<string, { orderId: string; answer: Record<string, unknown> }>();
  const ledger: LedgerEntry[] = [];
  const losing = new Set<string>();

  const view = (orderId: string, order: Order): Record<string, unknown> => ({
    order_id: orderId,
    status: order.status,
    ...(order.declineCode === undefined ? {} : { decline_code: order.declineCode }),
    amount: order.amount,
    currency: order.currency,
    refunded: order.refunded,
  });

  const charge = (req: IncomingMessage, res: ServerResponse, fields: Record<string, string>): void => {
    const orderId = fields['order_id'] ?? '';
    const amount = Number(fields['amount']);
    const currency = fields['currency'] ?? '';
    if (orderId === '' || !Number.isSafeInteger(amount) || amount <= 0 || !/^[A-Z]{3}$/.test(currency)) {
      return json(res, 400, { error: { code: 'invalid_request' } });
    }
    let order = orders.get(orderId);
    if (!order) {
      const number = deps.cardNumber(fields['card_token'] ?? '');
      if (number === undefined) return json(res, 404, { error: { code: 'card_not_found' } });
      order =
        number === TOYPAY_CHARGE_DECLINE_CARD.number
          ? { status: 'declined', declineCode: 'insufficient_funds', amount, currency, refunded: 0 }
          : { status: 'succeeded', amount, currency, refunded: 0 };
      orders.set(orderId, order);
      if (order.status === 'succeeded') ledger.push({ kind: 'debit', orderId, amount, currency });
    }
    if (losing.has(orderId)) {
      // The debit stands; the answer never leaves.
      req.socket.destroy();
      return;
    }
    json(res, 200, view(orderId, order));
  };

  const refund = (res: ServerResponse, orderId: string, fields: Record<string, string>): void => {
    const order = orders.get(orderId);
    if (!order) return json(res, 404, { error: { code: 'charge_not_found' } });
    const refundId = fields['refund_id'] ?? '';
    const done = refunds.get(refundId);
    if (done && done.orderId === orderId) return json(res, 200, done.answer);
    const amount = Number(fields['amount']);
    if (refundId === '' || !Number.isSafeInteger(amount) || amount <= 0) {
      return json(res, 400, { error: { code: 'invalid_request' } });
    }
    if (order.status !== 'succeeded') return json(res, 409, { error: { code: 'charge_not_refundable' } });
    if (amount > order.amount - order.refunded) {
      return json(res, 422, { error: { code: 'amount_exceeds_charge' } });
    }
    order.refunded += amount;
    ledger.push({ kind: 'refund', orderId, amount, currency: order.currency });
    const answer = { refund_id: refundId, status: 'succeeded' };
    refunds.set(refundId, { orderId, answer });
    json(res, 200, answer);
  };

  return {
    ledger,
    debits: () => ledger.filter((entry) => entry.kind === 'debit').map((entry) => entry.orderId),
    loseAnswer: (orderId) => {
      losing.add(orderId);
    },
    async handle(req, res, path, fields) {
      const [orderId, sub] = path;
      if (orderId === undefined && req.method === 'POST') {
        if (await deps.faulted('create-charge', req, res)) return;
        return charge(req, res, fields);
      }
      if (orderId !== undefined && sub === undefined && req.method === 'GET') {
        if (await deps.faulted('get-charge', req, res)) return;
        const order = orders.get(orderId);
        return order
          ? json(res, 200, view(orderId, order))
          : json(res, 404, { error: { code: 'charge_not_found' } });
      }
      if (orderId !== undefined && sub === 'refunds' && req.method === 'POST') {
        if (await deps.faulted('create-refund', req, res)) return;
        return refund(res, orderId, fields);
      }
      json(res, 404, { error: { code: 'not_found' } });
    },
  };
}
