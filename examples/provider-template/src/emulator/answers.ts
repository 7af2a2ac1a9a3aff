import type { ServerResponse } from 'node:http';
import type { Order, Session } from './state.js';

/** ToyPay answers JSON, refusals included (`{ error: { code } }` with a 4xx). */
export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

export function refusal(res: ServerResponse, status: number, code: string): void {
  json(res, status, { error: { code } });
}

/** `GET /v1/sessions/{id}`: the card only once succeeded, the decline code only once declined. */
export function sessionView(session: Session): Record<string, unknown> {
  return {
    id: session.id,
    status: session.status,
    ...(session.status === 'succeeded' ? { card: session.card } : {}),
    ...(session.status === 'declined' ? { decline_code: session.declineCode } : {}),
  };
}

/** A charge order as `POST /v1/charges` and `GET /v1/charges/{order_id}` answer it. */
export function chargeView(orderId: string, order: Order): Record<string, unknown> {
  return {
    order_id: orderId,
    status: order.status,
    ...(order.declineCode === undefined ? {} : { decline_code: order.declineCode }),
    amount: order.amount,
    currency: order.currency,
    refunded: order.refunded,
  };
}

/** The protocol faults in ToyPay's own format: truncated JSON, or a 4xx with its error body. */
export function writeMalformed(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"ses_');
}
