import { chargeView, json, refusal } from '../answers.js';
import { chargeDeclineOf } from '../magic-cards.js';
import type { Order } from '../state.js';
import type { RouteHandler } from './support.js';

/**
 * `POST /v1/charges` debits once per `order_id`: a repeat answers the first result and moves nothing.
 * How it goes is the bound card's magic number's (`magic-cards.ts`). An order armed to lose its
 * answers debits and then drops the connection.
 */
export const createCharge: RouteHandler = (ctx, { req, res, fields }) => {
  const { state } = ctx;
  const orderId = fields['order_id'] ?? '';
  const amount = Number(fields['amount']);
  const currency = fields['currency'] ?? '';
  if (orderId === '' || !Number.isSafeInteger(amount) || amount <= 0 || !/^[A-Z]{3}$/.test(currency)) {
    return refusal(res, 400, 'invalid_request');
  }
  let order = state.orders.get(orderId);
  if (!order) {
    const number = state.numbers.get(fields['card_token'] ?? '');
    if (number === undefined) return refusal(res, 404, 'card_not_found');
    const declineCode = chargeDeclineOf(number);
    const placed: Order =
      declineCode === undefined
        ? { status: 'succeeded', amount, currency, refunded: 0 }
        : { status: 'declined', declineCode, amount, currency, refunded: 0 };
    order = placed;
    state.orders.set(orderId, placed);
    if (placed.status === 'succeeded') ctx.ledger.record({ kind: 'debit', orderId, amount, currency });
  }
  if (state.losingAnswers.has(orderId)) {
    // The debit stands; the answer never leaves.
    req.socket.destroy();
    return;
  }
  json(res, 200, chargeView(orderId, order));
};

/**
 * `POST /v1/charges/{order_id}/refunds` refunds at most what is left, once per `refund_id`: a repeat
 * answers the first result.
 */
export const createRefund: RouteHandler = (ctx, { res, id: orderId, fields }) => {
  const { state } = ctx;
  const order = state.orders.get(orderId);
  if (!order) return refusal(res, 404, 'charge_not_found');
  const refundId = fields['refund_id'] ?? '';
  const done = state.refunds.get(refundId);
  if (done && done.orderId === orderId) return json(res, 200, done.answer);
  const amount = Number(fields['amount']);
  if (refundId === '' || !Number.isSafeInteger(amount) || amount <= 0) {
    return refusal(res, 400, 'invalid_request');
  }
  if (order.status !== 'succeeded') return refusal(res, 409, 'charge_not_refundable');
  if (amount > order.amount - order.refunded) return refusal(res, 422, 'amount_exceeds_charge');
  order.refunded += amount;
  ctx.ledger.record({ kind: 'refund', orderId, amount, currency: order.currency });
  const answer = { refund_id: refundId, status: 'succeeded' };
  state.refunds.set(refundId, { orderId, answer });
  json(res, 200, answer);
};
