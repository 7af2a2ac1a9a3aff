import { randomBytes, randomUUID } from 'node:crypto';
import {
  authenticate,
  type CommandAnswer,
  type CommandContext,
  fateKey,
  type Handler,
  Refusal,
} from './support.js';
import { type AnswerFate, chargeBehaviourOf } from '../magic-cards.js';
import type { EmulatedOrder } from '../state.js';
import { successXml, xmlElement } from '../answers.js';

/** Payture's order ids are the merchant's own; the emulator takes what a client may plausibly send. */
const ORDER_ID = /^[A-Za-z0-9_.:-]{1,50}$/;
const KOPECKS = /^[1-9]\d{0,11}$/;

function kopecks(raw: string | undefined): number {
  if (raw === undefined || !KOPECKS.test(raw)) throw new Refusal('AMOUNT_ERROR');
  return Number(raw);
}

/** Base64 with `+`, `/` and `=`: PaReq and PaRes must survive every layer of encoding untouched. */
function awkwardBase64(bytes: number): string {
  return randomBytes(bytes).toString('base64');
}

/** The money moves: one ledger entry, the order `Charged` with all of it left to refund. */
function debit(order: EmulatedOrder, ctx: CommandContext): void {
  const payment = order.payment;
  if (!payment) throw new Error('only a payment can be debited');
  order.state = 'Charged';
  order.amount = payment.charged;
  ctx.ledger.record({
    kind: 'debit',
    orderId: order.orderId,
    cardId: payment.cardId,
    amount: payment.charged,
    at: ctx.now(),
  });
}

/** The fate a test armed for this command's answer on this order, once. */
function takeFate(command: string, orderId: string, ctx: CommandContext): AnswerFate | undefined {
  const key = fateKey(command, orderId);
  const fate = ctx.arms.fates.get(key);
  ctx.arms.fates.delete(key);
  return fate;
}

/** The answer of a debit that took effect: Pay's recorded form (droff `pay_recurring_success.yml`). */
function charged(command: 'Pay' | 'PaySubmit3DS', order: EmulatedOrder, ctx: CommandContext): CommandAnswer {
  const fate = takeFate(command, order.orderId, ctx);
  const xml = successXml(command, {
    VWUserLgn: order.payment?.login,
    OrderId: order.orderId,
    Amount: order.payment?.charged,
  });
  return fate === undefined ? { xml } : { xml, fate };
}

export const PAY_HANDLERS = {
  /**
   * A merchant-side payment with a bound card (charging.md, "Recurring payment, merchant side"):
   * `DATA=VWUserLgn;VWUserPsw;CardId;OrderId;Amount;SessionType=Pay`. The card must be `IsActive`; a
   * reused OrderId answers DUPLICATE_ORDER_ID and never debits again, whatever came of the first.
   */
  Pay({ data }, ctx) {
    const customer = authenticate(data, ctx);
    const card = customer.cards.find((item) => item.cardId === data['CardId']);
    if (!card) throw new Refusal('CARD_NOT_FOUND');
    const orderId = data['OrderId'] ?? '';
    if (!ORDER_ID.test(orderId)) throw new Refusal('WRONG_PARAMS');
    if (ctx.state.orders.has(orderId)) throw new Refusal('DUPLICATE_ORDER_ID');
    const amount = kopecks(data['Amount']);
    // One-step payments only; Block (two-step) is not emulated.
    if ((data['SessionType'] ?? 'Pay').toLowerCase() !== 'pay') throw new Refusal('WRONG_PARAMS');
    // Which codes Payture gives a card it will not charge is not documented (inferred): an expired
    // card's own code, and CARD_NOT_FOUND for one that is not active.
    if (card.expired) throw new Refusal('CARD_EXPIRED');
    if (card.status !== 'IsActive') throw new Refusal('CARD_NOT_FOUND');
    // A card the wallet keeps without its CVV cannot be paid without the customer (charging.md: a
    // CVV demand is a typed decline).
    if (card.noCvv) throw new Refusal('WRONG_CVV');

    const order: EmulatedOrder = {
      orderId,
      terminal: ctx.settings.payTerminal,
      amount,
      state: 'New',
      payment: { login: customer.login, cardId: card.cardId, cardName: card.cardName, charged: amount },
    };
    ctx.state.orders.set(orderId, order);
    const behaviour = ctx.arms.charges.get(orderId) ?? chargeBehaviourOf(card);
    switch (behaviour.kind) {
      case 'decline':
        order.state = 'Rejected';
        if (order.payment) order.payment.errCode = behaviour.errCode;
        throw new Refusal(behaviour.errCode);
      case 'three-d-secure': {
        const threeDSKey = randomUUID();
        const paReq = awkwardBase64(48);
        order.state = 'PreAuthorized3DS';
        if (order.payment) order.payment.threeDSecure = { threeDSKey, paReq, issued: new Map() };
        // charging.md, "3-D Secure on Pay": Success="3DS" with ACSUrl, PaReq and ThreeDSKey (the MD).
        return xmlElement('Pay', {
          VWUserLgn: customer.login,
          OrderId: orderId,
          Success: '3DS',
          Amount: amount,
          ACSUrl: ctx.acsUrl,
          PaReq: paReq,
          ThreeDSKey: threeDSKey,
        });
      }
      case 'approve': {
        debit(order, ctx);
        const answer = charged('Pay', order, ctx);
        return behaviour.fate === undefined || answer.fate !== undefined
          ? answer
          : { ...answer, fate: behaviour.fate };
      }
    }
  },

  /**
   * Completes a payment that asked for 3-D Secure: top-level `MD` (the ThreeDSKey) and `PaRes` from
   * the bank (charging.md; the Go SDK's `3DS.go`). A PaRes the customer passed debits; a failed one
   * rejects the order. A second submit for a finished payment is ILLEGAL_ORDER_STATE, never a debit.
   */
  PaySubmit3DS({ fields }, ctx) {
    const order = ctx.state.orderByThreeDSKey(fields['MD'] ?? '');
    const step = order?.payment?.threeDSecure;
    if (!order || !step) throw new Refusal('ORDER_NOT_FOUND');
    if (order.state !== 'PreAuthorized3DS') throw new Refusal('ILLEGAL_ORDER_STATE');
    const passed = step.issued.get(fields['PaRes'] ?? '');
    if (passed !== true) {
      order.state = 'Rejected';
      if (order.payment) order.payment.errCode = 'THREE_DS_FAIL';
      throw new Refusal('THREE_DS_FAIL');
    }
    debit(order, ctx);
    return charged('PaySubmit3DS', order, ctx);
  },

  /**
   * Refund of a Charged payment (charging.md, "Refund"): `DATA=Password;OrderId;Amount` with the Pay
   * terminal's password, Amount optional (all that is left). Partial refunds leave the order Charged
   * with less left; the last one makes it Refunded (inferred). More than is left is AMOUNT_ERROR
   * (droff `refund_error.yml`).
   */
  Refund({ data }, ctx) {
    if (data['Password'] !== ctx.settings.payTerminalPassword) throw new Refusal('ACCESS_DENIED');
    const order = ctx.state.orders.get(data['OrderId'] ?? '');
    const payment = order?.payment;
    if (!order || !payment || order.terminal !== ctx.settings.payTerminal) {
      throw new Refusal('ORDER_NOT_FOUND');
    }
    if (order.state !== 'Charged') throw new Refusal('ILLEGAL_ORDER_STATE');
    const amount = data['Amount'] === undefined ? order.amount : kopecks(data['Amount']);
    if (amount > order.amount) throw new Refusal('AMOUNT_ERROR');
    order.amount -= amount;
    if (order.amount === 0) order.state = 'Refunded';
    ctx.ledger.record({
      kind: 'refund',
      orderId: order.orderId,
      cardId: payment.cardId,
      amount,
      at: ctx.now(),
    });
    // droff `refund_partial_success.yml`: `<Refund VWUserLgn="" OrderId=".." Success="True" NewAmount=".."/>`.
    const xml = successXml('Refund', { VWUserLgn: '', OrderId: order.orderId, NewAmount: order.amount });
    const fate = takeFate('Refund', order.orderId, ctx);
    return fate === undefined ? { xml } : { xml, fate };
  },
} satisfies Record<'Pay' | 'PaySubmit3DS' | 'Refund', Handler>;
