import { chargeView, json, refusal, sessionView } from '../answers.js';
import type { RouteHandler } from './support.js';

/** `GET /v1/sessions/{id}`: the session's result, the one source of truth for a binding. */
export const getSession: RouteHandler = (ctx, { res, id }) => {
  const session = ctx.state.sessions.get(id);
  if (!session) return refusal(res, 404, 'session_not_found');
  json(res, 200, sessionView(ctx.state.current(session)));
};

/** `GET /v1/charges/{order_id}`: 404 `charge_not_found` for an order ToyPay never received. */
export const getCharge: RouteHandler = (ctx, { res, id }) => {
  const order = ctx.state.orders.get(id);
  if (!order) return refusal(res, 404, 'charge_not_found');
  json(res, 200, chargeView(id, order));
};
