import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '@cardbind/core';
import { type AnswerFormat, writeAnswer } from './answers.js';
import type { CallbackSender } from './callbacks.js';
import { toCents } from './ledger.js';
import type { ChargeBehaviour } from './magic-cards.js';
import type { PayOnlineOperationKind } from './operations.js';
import { SIGNED_FIELDS } from './security-key.js';
import type { ApprovedStatus, EmulatedTransaction, EmulatorState } from './state.js';

const BAD_GATEWAY_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

/** What the emulator lends its charging routes. */
export interface ChargingRouteDependencies {
  readonly state: EmulatorState;
  readonly clock: Pick<Clock, 'now'>;
  readonly approved: ApprovedStatus;
  /** The account the routed magic card's payments go to. */
  readonly routedMerchantId: string;
  readonly slowAnswerMs: number;
  /** Orders whose next Rebill debits and loses its answer (`loseRebillAnswer`), whatever the card. */
  readonly lostAnswers: Map<string, 'reset' | 'bad-gateway'>;
  /** Rebills settle right after their answer (`settleRebills: 'at-once'`). */
  readonly settleAtOnce: boolean;
  /** Aborted when the emulator closes: a slow answer stops waiting. */
  readonly closing: AbortSignal;
  readonly callbacks: CallbackSender;
  /** Checks MerchantId and SecurityKey; answers the refusal and returns false when either is wrong. */
  authorised(
    res: ServerResponse,
    format: AnswerFormat,
    fields: Record<string, string>,
    signed: readonly string[],
    cors?: boolean,
  ): boolean;
  answer(res: ServerResponse, format: AnswerFormat, body: string, cors?: boolean): void;
  formatError(res: ServerResponse, format: AnswerFormat, code: string, cors?: boolean): void;
  recordOperation(kind: PayOnlineOperationKind, transaction: EmulatedTransaction, amount?: string): void;
}

const AMOUNT = /^\d+\.\d{2}$/;

/**
 * Rebill and Refund as PayOnline's API doc describes them (design/charging.md, "PayOnline"): Rebill
 * charges a saved card by its RebillAnchor once per OrderId (4016 after that), and behaves as the
 * bound card's magic number says; Refund returns money from a `Settled` payment only, with a mandatory
 * Amount, repeatable up to the full amount.
 */
export function chargingRoutes(deps: ChargingRouteDependencies) {
  const { state } = deps;

  const rebill = async (
    req: IncomingMessage,
    res: ServerResponse,
    fields: Record<string, string>,
    format: AnswerFormat,
  ): Promise<void> => {
    // CORS too: in LitRes's relayed rebill the app posts the signed request itself.
    const refuse = (code: string): void => deps.formatError(res, format, code, true);
    if (!deps.authorised(res, format, fields, SIGNED_FIELDS.rebill, true)) return;
    const original = state.byAnchor(fields['RebillAnchor'] ?? '');
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
    if (state.paidFor(orderId)) return refuse('4016');
    const armed = deps.lostAnswers.get(orderId);
    deps.lostAnswers.delete(orderId);
    const behaviour: ChargeBehaviour =
      armed === undefined
        ? (original.chargeBehaviour ?? { kind: 'success' })
        : { kind: 'lost-answer', how: armed };
    if (behaviour.kind === 'refuse') return refuse(behaviour.code);
    const declined = behaviour.kind === 'decline' ? behaviour : undefined;
    const routed = behaviour.kind === 'routed';
    const transaction = state.add({
      merchantId: routed ? deps.routedMerchantId : (fields['MerchantId'] ?? ''),
      orderId,
      operation: 'Rebill',
      amount,
      currency,
      status: declined ? 'Declined' : deps.approved,
      code: declined ? declined.code : '200',
      ...(declined ? { errorCode: declined.errorCode } : {}),
      dateTime: deps.clock.now(),
      maskedNumber: original.maskedNumber,
      holder: original.holder,
      country: original.country,
      customFields: {},
      ...(original.rebillAnchor === undefined ? {} : { rebillAnchor: original.rebillAnchor }),
    });
    if (!declined) deps.recordOperation('rebill', transaction);
    // Signed with the configured account's key even when routed: which key PayOnline uses then is not
    // documented, and the host verifies callbacks with its own.
    deps.callbacks.send(transaction);
    const body = writeAnswer(format, [
      { name: 'Id', value: transaction.id },
      { name: 'Operation', value: 'Rebill' },
      { name: 'Result', value: declined ? 'Error' : 'Ok' },
      { name: 'Status', value: transaction.status },
      { name: 'Code', value: transaction.code },
      { name: 'ErrorCode', value: transaction.errorCode },
      // Only when PayOnline routed the payment to another merchant account (charging.md).
      { name: 'MerchantId', value: routed ? deps.routedMerchantId : undefined },
    ]);
    // Once the answer is composed: it still says Pending, as PayOnline's would.
    if (!declined && deps.settleAtOnce && transaction.status === 'Pending') transaction.status = 'Settled';
    switch (behaviour.kind) {
      case 'lost-answer':
        if (behaviour.how === 'reset') req.socket.destroy();
        else res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' }).end(BAD_GATEWAY_PAGE);
        return;
      case 'slow-answer':
        try {
          await sleep(deps.slowAnswerMs, undefined, { signal: deps.closing });
        } catch {
          return;
        }
        if (!res.destroyed) deps.answer(res, format, body, true);
        return;
      default:
        deps.answer(res, format, body, true);
    }
  };

  const refund = (res: ServerResponse, fields: Record<string, string>, format: AnswerFormat): void => {
    if (!deps.authorised(res, format, fields, SIGNED_FIELDS.refund)) return;
    const transaction = state.owned(fields['TransactionId'] ?? '', fields['MerchantId'] ?? '');
    if (!transaction) return deps.formatError(res, format, '4029');
    // Amount is mandatory (charging.md, "Refund"): a missing or malformed one refuses the request.
    const amount = fields['Amount'] ?? '';
    if (!AMOUNT.test(amount) || toCents(amount) === 0) return deps.formatError(res, format, '4300');
    const left = toCents(transaction.amount) - (transaction.refundedCents ?? 0);
    const settled = transaction.status === 'Settled';
    const refunded = settled && toCents(amount) <= left;
    if (refunded) {
      // Still `Settled` afterwards: whether Search lists a refunded payment is not documented.
      transaction.refundedCents = (transaction.refundedCents ?? 0) + toCents(amount);
      deps.recordOperation('refund', transaction, amount);
    }
    // Like Void's, a refused Refund says why in a free-text Message and gives no Code (*inferred*).
    const message = refunded
      ? 'Refunded'
      : settled
        ? 'Amount exceeds the refundable amount'
        : 'Only a settled transaction can be refunded';
    deps.answer(
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

  return { rebill, refund };
}
