import { setTimeout as sleep } from 'node:timers/promises';
import { respond, respondFormatError, writeAnswer } from '../answers.js';
import { toCents } from '../ledger.js';
import type { ChargeBehaviour } from '../magic-cards.js';
import { SIGNED_FIELDS } from '../security-key.js';
import type { RouteHandler } from './support.js';

const BAD_GATEWAY_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

const AMOUNT = /^\d+\.\d{2}$/;

/**
 * Rebill and Refund as PayOnline's API doc describes them (design/charging.md, "PayOnline"): Rebill
 * charges a saved card by its RebillAnchor once per OrderId (4016 after that), and behaves as the
 * bound card's magic number says; Refund returns money from a `Settled` payment only, with a mandatory
 * Amount, repeatable up to the full amount.
 */
export const rebill: RouteHandler = async (ctx, { req, res, fields, format }) => {
  // CORS too: in LitRes's relayed rebill the app posts the signed request itself.
  const refuse = (code: string): void => respondFormatError(res, format, code, true);
  if (!ctx.authorised(res, format, fields, SIGNED_FIELDS.rebill, true)) return;
  const original = ctx.state.byAnchor(fields['RebillAnchor'] ?? '');
  // An anchor is the merchant's own: another account's is as unknown as a made-up one.
  if (!original || original.merchantId !== fields['MerchantId']) return refuse('4021');
  const orderId = fields['OrderId'] ?? '';
  const amount = fields['Amount'] ?? '';
  const currency = fields['Currency'] ?? '';
  if (orderId === '' || orderId.length > 50) return refuse('4025');
  // PayOnline's API doc, "Rebill method": Amount and Currency are mandatory, Amount "two digits after
  // the point, i.e.: 1500.99", Currency ISO 4217 (3 chars); the same checks and codes as Auth's.
  if (!AMOUNT.test(amount)) return refuse('4300');
  if (!/^[A-Z]{3}$/.test(currency)) return refuse('4026');
  // 4016 order already paid: PayOnline's guard against a second debit for one OrderId.
  if (ctx.state.paidFor(orderId)) return refuse('4016');
  const armed = ctx.lostAnswers.get(orderId);
  ctx.lostAnswers.delete(orderId);
  const behaviour: ChargeBehaviour =
    armed === undefined
      ? (original.chargeBehaviour ?? { kind: 'success' })
      : { kind: 'lost-answer', how: armed };
  if (behaviour.kind === 'refuse') return refuse(behaviour.code);
  const declined = behaviour.kind === 'decline' ? behaviour : undefined;
  const routed = behaviour.kind === 'routed';
  const transaction = ctx.state.add({
    merchantId: routed ? ctx.routedMerchantId : (fields['MerchantId'] ?? ''),
    orderId,
    operation: 'Rebill',
    amount,
    currency,
    status: declined ? 'Declined' : ctx.approved,
    code: declined ? declined.code : '200',
    ...(declined ? { errorCode: declined.errorCode } : {}),
    dateTime: ctx.clock.now(),
    maskedNumber: original.maskedNumber,
    holder: original.holder,
    country: original.country,
    customFields: {},
    ...(original.rebillAnchor === undefined ? {} : { rebillAnchor: original.rebillAnchor }),
  });
  if (!declined) ctx.recordOperation('rebill', transaction);
  // Signed with the configured account's key even when routed: which key PayOnline uses then is not
  // documented, and the host verifies callbacks with its own.
  ctx.callbacks.send(transaction);
  const body = writeAnswer(format, [
    { name: 'Id', value: transaction.id },
    { name: 'Operation', value: 'Rebill' },
    { name: 'Result', value: declined ? 'Error' : 'Ok' },
    { name: 'Status', value: transaction.status },
    { name: 'Code', value: transaction.code },
    { name: 'ErrorCode', value: transaction.errorCode },
    // Only when PayOnline routed the payment to another merchant account (charging.md).
    { name: 'MerchantId', value: routed ? ctx.routedMerchantId : undefined },
  ]);
  // Once the answer is composed: it still says Pending, as PayOnline's would.
  if (!declined && ctx.settleAtOnce && transaction.status === 'Pending') transaction.status = 'Settled';
  switch (behaviour.kind) {
    case 'lost-answer':
      if (behaviour.how === 'reset') req.socket.destroy();
      else res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' }).end(BAD_GATEWAY_PAGE);
      return;
    case 'slow-answer':
      try {
        await sleep(ctx.slowAnswerMs, undefined, { signal: ctx.closing });
      } catch {
        return;
      }
      if (!res.destroyed) respond(res, format, body, true);
      return;
    default:
      respond(res, format, body, true);
  }
};

/** Refund: money back from a `Settled` payment, up to what is left of it. */
export const refund: RouteHandler = (ctx, { res, fields, format }) => {
  if (!ctx.authorised(res, format, fields, SIGNED_FIELDS.refund)) return;
  const transaction = ctx.state.owned(fields['TransactionId'] ?? '', fields['MerchantId'] ?? '');
  if (!transaction) return respondFormatError(res, format, '4029');
  // Amount is mandatory (charging.md, "Refund"): a missing or malformed one refuses the request.
  const amount = fields['Amount'] ?? '';
  if (!AMOUNT.test(amount) || toCents(amount) === 0) return respondFormatError(res, format, '4300');
  const left = toCents(transaction.amount) - (transaction.refundedCents ?? 0);
  const settled = transaction.status === 'Settled';
  const refunded = settled && toCents(amount) <= left;
  if (refunded) {
    // Still `Settled` afterwards: whether Search lists a refunded payment is not documented.
    transaction.refundedCents = (transaction.refundedCents ?? 0) + toCents(amount);
    ctx.recordOperation('refund', transaction, amount);
  }
  // Like Void's, a refused Refund says why in a free-text Message and gives no Code (*inferred*).
  const message = refunded
    ? 'Refunded'
    : settled
      ? 'Amount exceeds the refundable amount'
      : 'Only a settled transaction can be refunded';
  respond(
    res,
    format,
    writeAnswer(format, [
      { name: 'TransactionId', element: 'id', value: transaction.id },
      { name: 'Operation', value: 'Refund' },
      { name: 'Amount', value: amount },
      { name: 'Result', value: refunded ? 'Ok' : 'Error' },
      { name: 'Message', value: message },
    ]),
  );
};

/** Void: cancels a Pending or PreAuthorized transaction of the asking merchant account. */
export const voidTransaction: RouteHandler = (ctx, { res, fields, format }) => {
  if (!ctx.authorised(res, format, fields, SIGNED_FIELDS.void)) return;
  const transaction = ctx.state.owned(fields['TransactionId'] ?? '', fields['MerchantId'] ?? '');
  if (!transaction) return respondFormatError(res, format, '4029');
  // PayOnline's API doc, "Void method": it cancels a Pending or PreAuthorized transaction and answers
  // `TransactionId=..&Operation=Void&Result=Ok|Error&Message=..`, `Message` being `Voided` or "an
  // error description"; no Code. So a second Void of a voided transaction is `Result=Error` with a
  // message (the doc gives no wording: the emulator's is its own).
  const voidable = transaction.status === 'Pending' || transaction.status === 'PreAuthorized';
  if (voidable) {
    transaction.status = 'Voided';
    ctx.recordOperation('void', transaction);
  }
  respond(
    res,
    format,
    writeAnswer(format, [
      { name: 'TransactionId', element: 'id', value: transaction.id },
      { name: 'Operation', value: 'Void' },
      { name: 'Result', value: voidable ? 'Ok' : 'Error' },
      {
        name: 'Message',
        value: voidable
          ? 'Voided'
          : transaction.status === 'Voided'
            ? 'Transaction is already voided'
            : 'Transaction cannot be voided',
      },
    ]),
  );
};

/**
 * PayOnline's API doc, "Complete method": confirms a PreAuthorized transaction, in full or for a
 * smaller `Amount` (then signed after TransactionId, and echoed); answers
 * `TransactionId=..&Operation=Complete&Amount=..&Result=Ok|Error&Message=Completed|<description>`.
 * A completed payment is debited: `Settled` (the doc's "Statuses of transactions", *inferred* here).
 */
export const complete: RouteHandler = (ctx, { res, fields, format }) => {
  const partial = fields['Amount'];
  const signed = partial === undefined ? SIGNED_FIELDS.complete : [...SIGNED_FIELDS.complete, 'Amount'];
  if (!ctx.authorised(res, format, fields, signed)) return;
  const transaction = ctx.state.owned(fields['TransactionId'] ?? '', fields['MerchantId'] ?? '');
  if (!transaction) return respondFormatError(res, format, '4029');
  if (partial !== undefined && !/^\d+\.\d{2}$/.test(partial)) return respondFormatError(res, format, '4300');
  const completable =
    transaction.status === 'PreAuthorized' &&
    (partial === undefined || toCents(partial) <= toCents(transaction.amount));
  if (completable) {
    transaction.status = 'Settled';
    if (partial !== undefined) transaction.amount = partial;
    ctx.recordOperation('complete', transaction);
  }
  respond(
    res,
    format,
    writeAnswer(format, [
      { name: 'TransactionId', element: 'id', value: transaction.id },
      { name: 'Operation', value: 'Complete' },
      { name: 'Amount', value: partial },
      { name: 'Result', value: completable ? 'Ok' : 'Error' },
      { name: 'Message', value: completable ? 'Completed' : 'Transaction cannot be completed' },
    ]),
  );
};
