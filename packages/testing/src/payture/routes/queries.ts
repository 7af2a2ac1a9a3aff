import type { CommandContext, CommandRequest, Handler } from './support.js';
import { Refusal } from './support.js';
import { successXml, xmlElement } from '../answers.js';

/** What Payture says about an order: GetState (charging.md, "Order state") and the older PayStatus. */
export const QUERY_HANDLERS = {
  GetState({ fields, data }, ctx) {
    const order = orderOf({ fields, data }, ctx);
    // An unknown order: `Success="False" State="" ErrCode="ORDER_NOT_FOUND"` (charging.md, "Order state").
    if (!order) return xmlElement('GetState', { Success: false, State: '', ErrCode: 'ORDER_NOT_FOUND' });
    const payment = order.payment;
    return successXml('GetState', {
      OrderId: order.orderId,
      State: order.state,
      Forwarded: false,
      MerchantContract: order.terminal,
      Amount:
        payment !== undefined && ctx.settings.getStateAmount === 'paid' ? payment.charged : order.amount,
      ...(payment === undefined
        ? {}
        : { VWUserLgn: payment.login, CardId: payment.cardId, PANMask: payment.cardName }),
    });
  },

  PayStatus(request, ctx) {
    const order = orderOf(request, ctx);
    if (!order) throw new Refusal('ORDER_NOT_FOUND');
    return successXml('PayStatus', { OrderId: order.orderId, Amount: order.amount, Status: order.state });
  },
} satisfies Record<'GetState' | 'PayStatus', Handler>;

/**
 * The order a GetState or PayStatus asks about: OrderId as a top-level field (GetState, the Go SDK) or
 * inside DATA (PayStatus, older clients), and only among the orders of the terminal named.
 */
function orderOf(request: CommandRequest, ctx: CommandContext) {
  const orderId = request.fields['OrderId'] ?? request.data['OrderId'] ?? '';
  const terminal = request.fields['Key'] ?? request.fields['VWID'];
  const order = ctx.state.orders.get(orderId);
  return order?.terminal === terminal ? order : undefined;
}
