import { type AnswerEntry, respond, writeText, writeXml } from '../answers.js';
import { payOnlineDateTime } from '../callbacks.js';
import { SIGNED_FIELDS } from '../security-key.js';
import { type EmulatedTransaction, SUCCESSFUL_STATUSES } from '../state.js';
import type { RouteHandler } from './support.js';

/**
 * Search by OrderId or TransactionId: the successful payments of the asking merchant account only,
 * one text line or XML record each; nothing successful is an empty body.
 */
export const search: RouteHandler = (ctx, { res, fields, format }) => {
  const byOrder = fields['OrderId'] !== undefined;
  const signed = byOrder ? SIGNED_FIELDS.searchByOrder : SIGNED_FIELDS.searchByTransaction;
  if (!ctx.authorised(res, format, fields, signed)) return;
  const found = (
    byOrder ? ctx.state.byOrder(fields['OrderId'] ?? '') : [ctx.state.get(fields['TransactionId'] ?? '')]
  )
    .filter((transaction): transaction is EmulatedTransaction => transaction !== undefined)
    // Each account sees its own payments: a routed one is listed under the account it went to.
    .filter((transaction) => transaction.merchantId === fields['MerchantId'])
    .filter((transaction) => SUCCESSFUL_STATUSES.has(transaction.status));
  // Nothing successful: PayOnline answers an empty body (a decline looks the same).
  if (found.length === 0) return respond(res, format, '');
  const entriesOf = (transaction: EmulatedTransaction): AnswerEntry[] => [
    { name: 'TransactionId', element: 'id', value: transaction.id },
    { name: 'Amount', value: transaction.amount },
    { name: 'Currency', value: transaction.currency },
    { name: 'Order', element: 'orderId', value: transaction.orderId },
    { name: 'DateTime', value: payOnlineDateTime(transaction.dateTime) },
    { name: 'Status', value: transaction.status },
  ];
  if (format === 'text')
    return respond(res, format, found.map((transaction) => writeText(entriesOf(transaction))).join('\n'));
  const [only] = found;
  if (found.length === 1 && only) return respond(res, format, writeXml('transaction', entriesOf(only)));
  const items = found.map((transaction) =>
    writeXml('transaction', entriesOf(transaction)).replace(/^<\?xml[^>]*>\n/, ''),
  );
  respond(res, format, `<?xml version="1.0" encoding="utf-8"?>\n<list>\n${items.join('\n')}\n</list>`);
};
