import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyTransportFault } from '../../faults/apply-transport-fault.js';
import { passesLuhn } from '@cardbind/core';
import { ADD_FORM_FIELDS, ADD_PAGE_HEADERS, renderAddPage, renderMessagePage } from '../pages/add-page.js';
import { ADD_PAGE_ROUTE, type RouteContext } from './support.js';
import {
  magicCardBehaviour,
  type MagicCardBehaviour,
  paymentSystemOf,
  storedCardFlags,
} from '../magic-cards.js';
import { type NotificationSender, transactionDate } from '../notifications.js';
import type { PaytureOperationLog } from '../operations.js';
import { type AddSession, addCardTo, type EmulatedCard, type NewCard, type PaytureState } from '../state.js';

export interface AddFlowContext {
  state: PaytureState;
  addTerminal: string;
  notifications: NotificationSender;
  slowCards: SlowCards;
  operations: PaytureOperationLog;
  now(): Date;
}

/** Cards of the slow-close magic number, stored after a delay (or when a test settles them). */
export class SlowCards {
  readonly #pending = new Map<string, { timer: NodeJS.Timeout; store: () => void }>();

  constructor(private readonly delayMs: number) {}

  schedule(key: string, store: () => void): void {
    const timer = setTimeout(() => this.#run(key), this.delayMs);
    timer.unref();
    this.#pending.set(key, { timer, store });
  }

  /** Stores every pending card now. */
  settle(): void {
    for (const key of [...this.#pending.keys()]) this.#run(key);
  }

  clear(): void {
    for (const { timer } of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }

  #run(key: string): void {
    const pending = this.#pending.get(key);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(key);
    pending.store();
  }
}

function page(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, ADD_PAGE_HEADERS).end(html);
}

/**
 * Why a session cannot take the customer now, or undefined when it can. A session past its lifetime is
 * closed for good (ORDER_TIME_OUT); one that is completed, failed or out of attempts is closed too.
 */
function closedReason(session: AddSession, now: Date): string | undefined {
  if (session.state === 'open' && now.getTime() >= session.expiresAt.getTime()) {
    session.state = 'failed';
    session.errCode = 'ORDER_TIME_OUT';
    return 'This session has expired.';
  }
  if (session.state !== 'open') return 'This session is closed.';
  return undefined;
}

/** GET /vwapi/Add?SessionId=: the form. */
export function showAddPage(res: ServerResponse, sessionId: string, ctx: AddFlowContext): void {
  const session = ctx.state.sessions.get(sessionId);
  if (!session) return page(res, 404, renderMessagePage('Not found', 'No such session.'));
  const closed = closedReason(session, ctx.now());
  if (closed) return page(res, 410, renderMessagePage('Session closed', closed));
  page(
    res,
    200,
    renderAddPage({
      sessionId,
      attemptsLeft: session.attemptsAllowed - session.attemptsUsed,
      ...(session.amount === undefined ? {} : { amount: session.amount }),
      ...(session.language === undefined ? {} : { language: session.language }),
    }),
  );
}

interface TypedCard {
  pan: string;
  expMonth: string;
  expYear: string;
  holder: string;
}

/** Checks the form as Payture's page does; returns the ErrCode of the first problem. */
function readCard(fields: Readonly<Record<string, string>>, now: Date): TypedCard | { problem: string } {
  const pan = (fields[ADD_FORM_FIELDS.cardNumber] ?? '').replace(/[\s-]/g, '');
  if (!/^\d{13,19}$/.test(pan) || !passesLuhn(pan)) return { problem: 'WRONG_PAN' };
  const expiry = /^(\d{2})\s*\/?\s*(\d{2})$/.exec(fields[ADD_FORM_FIELDS.expiry] ?? '');
  const month = Number(expiry?.[1]);
  if (!expiry || month < 1 || month > 12) return { problem: 'WRONG_EXPIRE_DATE' };
  if (!/^\d{3,4}$/.test(fields[ADD_FORM_FIELDS.cvv] ?? '')) return { problem: 'WRONG_CVV' };
  const holder = (fields[ADD_FORM_FIELDS.holder] ?? '').trim().toUpperCase();
  if (holder.length > 50) return { problem: 'WRONG_CARD_INFO' };
  const year = 2000 + Number(expiry[2]);
  // A card is valid through the last day of its expiry month.
  if (Date.UTC(year, month, 1) <= now.getTime()) return { problem: 'CARD_EXPIRED' };
  return { pan, expMonth: String(month).padStart(2, '0'), expYear: String(year), holder };
}

/** Problems the customer can fix on the page (another attempt); the others end the session. */
const FIXABLE = new Set(['WRONG_PAN', 'WRONG_EXPIRE_DATE', 'WRONG_CVV', 'WRONG_CARD_INFO']);

/** POST /vwapi/Add: one attempt to add a card. */
export function submitAddPage(
  res: ServerResponse,
  fields: Readonly<Record<string, string>>,
  ctx: AddFlowContext,
): void {
  const sessionId = fields[ADD_FORM_FIELDS.sessionId] ?? '';
  const session = ctx.state.sessions.get(sessionId);
  if (!session) return page(res, 404, renderMessagePage('Not found', 'No such session.'));
  const now = ctx.now();
  const closed = closedReason(session, now);
  if (closed) return page(res, 410, renderMessagePage('Session closed', closed));
  const customer = ctx.state.customers.get(session.login);
  if (!customer) return failSession(res, session, 'CUSTOMER_NOT_FOUND', ctx);

  session.attemptsUsed++;
  const card = readCard(fields, now);
  if ('problem' in card) {
    if (!FIXABLE.has(card.problem)) return failSession(res, session, card.problem, ctx);
    if (session.attemptsUsed >= session.attemptsAllowed)
      return failSession(res, session, 'LIMIT_EXCHAUST', ctx);
    return page(
      res,
      200,
      renderAddPage({
        sessionId,
        attemptsLeft: session.attemptsAllowed - session.attemptsUsed,
        error: `The card was not accepted (${card.problem}). Check it and try again.`,
        ...(session.amount === undefined ? {} : { amount: session.amount }),
        ...(session.language === undefined ? {} : { language: session.language }),
      }),
    );
  }

  const behaviour = magicCardBehaviour(card.pan);
  if (behaviour.kind === 'decline') return failSession(res, session, behaviour.errCode, ctx);

  const store = (): EmulatedCard => {
    const known = new Set(customer.cards.map((item) => item.cardId));
    const stored = addCardTo(customer, toNewCard(card, behaviour, ctx.now()), () => ctx.state.newCardId());
    // The same number again keeps its card (addCardTo): nothing new was added then.
    if (!known.has(stored.cardId)) {
      ctx.operations.record({
        kind: 'card-added',
        at: ctx.now(),
        login: session.login,
        sessionId: session.sessionId,
        cardId: stored.cardId,
      });
    }
    session.cardId = stored.cardId;
    notifySuccess(session, stored, customer.phone, ctx);
    return stored;
  };
  session.state = 'completed';
  holdAndRelease(session, ctx);
  settleOrder(session, 'Voided', ctx);
  if (behaviour.kind === 'slow-close') ctx.slowCards.schedule(session.sessionId, store);
  else store();
  sendBack(res, session, true);
}

/** An accepted card with a verification amount: the amount is held, then given back at once. */
function holdAndRelease(session: AddSession, ctx: AddFlowContext): void {
  if (session.amount === undefined) return;
  const at = ctx.now();
  const details = {
    at,
    login: session.login,
    sessionId: session.sessionId,
    amount: session.amount,
    ...(session.orderId === undefined ? {} : { orderId: session.orderId }),
  };
  ctx.operations.record({ kind: 'hold', ...details });
  ctx.operations.record({ kind: 'hold-released', ...details });
}

/** A hold made and released is `Voided` at the end; a declined one `Rejected`. */
function settleOrder(session: AddSession, state: 'Voided' | 'Rejected', ctx: AddFlowContext): void {
  if (session.orderId === undefined) return;
  const order = ctx.state.orders.get(session.orderId);
  if (order) order.state = state;
}

function toNewCard(card: TypedCard, behaviour: MagicCardBehaviour, now: Date): NewCard {
  return { ...card, paymentSystem: paymentSystemOf(card.pan), ...storedCardFlags(behaviour), addedAt: now };
}

/** Ends the session without a card: back to the merchant with `success=False`, CustomerAddFail sent. */
export function failSession(
  res: ServerResponse,
  session: AddSession,
  errCode: string,
  ctx: AddFlowContext,
): void {
  session.state = 'failed';
  session.errCode = errCode;
  settleOrder(session, 'Rejected', ctx);
  ctx.notifications.send({
    Notification: 'CustomerAddFail',
    Success: 'False',
    ErrCode: errCode,
    VWUserLgn: session.login,
    SessionId: session.sessionId,
    TransactionDate: transactionDate(ctx.now()),
    MerchantContract: ctx.addTerminal,
  });
  sendBack(res, session, false);
}

function notifySuccess(
  session: AddSession,
  card: EmulatedCard,
  phone: string | undefined,
  ctx: AddFlowContext,
): void {
  ctx.notifications.send({
    Notification: 'CustomerAddSuccess',
    Success: 'True',
    VWUserLgn: session.login,
    ...(phone === undefined ? {} : { PhoneNumber: phone }),
    CardNumber: card.cardName,
    CardName: card.cardName,
    CardHolder: card.holder,
    CardId: card.cardId,
    SessionId: session.sessionId,
    TransactionDate: transactionDate(ctx.now()),
    MerchantContract: ctx.addTerminal,
    UniqueIdCard: card.panFingerprint.slice(0, 32),
  });
}

/**
 * Sends the customer to the session's Url with `{orderid}` and `{success}` filled in. Payture shows
 * the result for a few seconds first; the emulator redirects at once. Without a Url, a result page.
 */
function sendBack(res: ServerResponse, session: AddSession, success: boolean): void {
  if (session.url === undefined) {
    return page(
      res,
      200,
      renderMessagePage(
        success ? 'Card added' : 'Card not added',
        success ? 'You may close this page.' : 'Sorry.',
      ),
    );
  }
  const location = session.url
    .replaceAll('{orderid}', encodeURIComponent(session.orderId ?? ''))
    .replaceAll('{success}', success ? 'True' : 'False');
  res.writeHead(302, { location, 'cache-control': 'no-store' }).end();
}

/**
 * `/vwapi/Add?SessionId=`, the hosted page: recorded (the session id only, never card data), then an
 * armed fault — `malformed` is a page cut off mid-form, `reject` ends an open session with the code —
 * then the form (GET) or the card typed into it (POST).
 */
export async function hostedPageRoute(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  fields: Readonly<Record<string, string>>,
): Promise<void> {
  const flow = ctx.addFlow;
  const sessionId = fields[ADD_FORM_FIELDS.sessionId] ?? '';
  ctx.requests.push({ command: ADD_PAGE_ROUTE, method: req.method ?? 'GET', data: { SessionId: sessionId } });
  const fault = ctx.faults.take(ADD_PAGE_ROUTE);
  if (fault) {
    if (await applyTransportFault(fault, req, res)) return;
    if (fault.kind === 'malformed') {
      res
        .writeHead(200, ADD_PAGE_HEADERS)
        .end('<!DOCTYPE html><html><body><form method="POST" action="/vwapi/A');
      return;
    }
    if (fault.kind === 'reject') {
      const session = flow.state.sessions.get(sessionId);
      if (session?.state === 'open') return failSession(res, session, fault.code, flow);
    }
  }
  if (req.method === 'POST') return submitAddPage(res, fields, flow);
  return showAddPage(res, sessionId, flow);
}
