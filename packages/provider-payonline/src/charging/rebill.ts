import { CardBindingError, minorDigits, type ProviderChargeContext, toMajorString } from '@cardbind/core';
import { ORDER_ID_PATTERN } from '../binding/order-id.js';
import type { PayOnlineConfig } from '../config.js';
import { type OperationAnswer, primaryErrorCode } from '../wire/answer.js';
import type { RebillOrder } from '../wire/rebill-params.js';

/** PayOnline's OrderDescription holds at most 100 characters (payonline.md, "Auth" fields). */
const MAX_DESCRIPTION = 100;
/** RebillAnchor holds at most 100 characters (charging.md, "Rebill"). */
const MAX_ANCHOR = 100;

export type PreparedRebill =
  | { readonly ok: true; readonly order: RebillOrder }
  | { readonly ok: false; readonly error: CardBindingError };

function refused(code: 'AMOUNT_INVALID' | 'INVALID_STATE', message: string, field: string): PreparedRebill {
  return { ok: false, error: new CardBindingError(code, message, { field, retryable: false }) };
}

/**
 * The charge as a Rebill, or why it cannot be one, decided before any request. The amount is converted
 * on the decimal string (`toMajorString`), never through floating point (charging.md, "Rules": Medusa's
 * rounding bug). PayOnline's Amount is always two digits after the dot (charging.md, "Rebill"), so a
 * currency with other minor digits could not be sent exactly; one the configuration does not list is
 * not taken by the merchant account.
 */
export function prepareRebill(config: PayOnlineConfig, ctx: ProviderChargeContext): PreparedRebill {
  const { amount } = ctx;
  if (amount.minor <= 0) return refused('AMOUNT_INVALID', 'A charge must be more than zero', 'amount');
  const accepted = config.chargeCurrencies ?? [config.currency];
  if (!accepted.includes(amount.currency) || minorDigits(amount.currency) !== 2) {
    return refused(
      'AMOUNT_INVALID',
      `This PayOnline account does not charge ${amount.currency} (it takes ${accepted.join(', ')})`,
      'amount.currency',
    );
  }
  // PayOnline takes an OrderId of at most 50 characters (payonline.md, Auth fields); it also travels in
  // logs and the relayed form, so only the shape every cardbind order id has is sent (order-id.ts).
  if (!ORDER_ID_PATTERN.test(ctx.orderId)) {
    return refused('INVALID_STATE', 'The charge order id is not one PayOnline takes', 'orderId');
  }
  const rebillAnchor = ctx.card.token;
  if (rebillAnchor === '' || rebillAnchor.length > MAX_ANCHOR) {
    return refused('INVALID_STATE', 'The saved card has no usable PayOnline RebillAnchor', 'card');
  }
  // Cut by code points, so a description never ends in half a surrogate pair; it is display only.
  const description =
    ctx.description === undefined
      ? undefined
      : Array.from(ctx.description).slice(0, MAX_DESCRIPTION).join('');
  return {
    ok: true,
    order: {
      rebillAnchor,
      orderId: ctx.orderId,
      amount: toMajorString(amount),
      currency: amount.currency,
      ...(description === undefined || description === '' ? {} : { description }),
    },
  };
}

/** What a Rebill answer says. */
export type RebillVerdict =
  | { readonly kind: 'paid'; readonly transactionId: string; readonly merchantId?: string }
  /** 4016: this order was paid before (an earlier attempt whose answer was lost): ask Search. */
  | { readonly kind: 'already-paid' }
  | { readonly kind: 'declined'; readonly code?: string; readonly errorCode?: string }
  /** `Result=Ok` with a status that names no payment: only Search can tell. */
  | { readonly kind: 'unclear' };

/** Order already paid: PayOnline's guard against a second debit for one OrderId (charging.md, "Codes"). */
const ORDER_ALREADY_PAID = '4016';

/**
 * Reads a Rebill answer. `Result` is compared without regard to case (the doc and recordings say `Ok`,
 * clients compare with `OK`: webtoucher/omnipay-payonline `RebillResponse.php`); wire/answer.ts folds it.
 * Ok with Pending or PreAuthorized (or Settled) is a payment; only an explicit Error (or a refusal of
 * the request itself, `Code=..&Message=..`) is a decline.
 */
export function interpretRebillAnswer(answer: OperationAnswer): RebillVerdict {
  if (answer.kind === 'format-error') {
    if (answer.error.code === ORDER_ALREADY_PAID) return { kind: 'already-paid' };
    return { kind: 'declined', code: answer.error.code };
  }
  const transaction = answer.answer;
  const errorCode = primaryErrorCode(transaction);
  // `Result=Ok&Status=Declined` contradicts itself: it is left to Search rather than read as a decline.
  if (transaction.result === 'error') {
    if (transaction.code === ORDER_ALREADY_PAID || errorCode === ORDER_ALREADY_PAID) {
      return { kind: 'already-paid' };
    }
    return {
      kind: 'declined',
      ...(transaction.code === undefined ? {} : { code: transaction.code }),
      ...(errorCode === undefined ? {} : { errorCode }),
    };
  }
  const status = transaction.status;
  if (status === 'Pending' || status === 'PreAuthorized' || status === 'Settled') {
    return {
      kind: 'paid',
      transactionId: transaction.transactionId,
      ...(transaction.merchantId === undefined ? {} : { merchantId: transaction.merchantId }),
    };
  }
  return { kind: 'unclear' };
}
