import { authenticate, credentials, type Handler, isCredential, Refusal } from './support.js';
import { MAX_LISTED_CARDS } from '../state.js';
import { successXml, xmlElement } from '../answers.js';

/** The Add terminal's commands: customers (Register, Check, Update, Delete), Add sessions and cards. */

function contact(data: Readonly<Record<string, string>>): { phone?: string; email?: string } {
  const phone = data['PhoneNumber'];
  const email = data['Email'];
  if (phone !== undefined && phone !== '' && !/^\d{1,20}$/.test(phone)) throw new Refusal('WRONG_PARAMS');
  return {
    ...(phone ? { phone } : {}),
    ...(email ? { email } : {}),
  };
}

function lastSuccess(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${date.getUTCFullYear()}.${pad(date.getUTCMonth() + 1)}.${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

/**
 * An Add session's verification amount in kopecks; undefined (no hold) when Amount is absent, empty or
 * `0`. Necronru/payture's `InitResponse` (from Payture's docs) gives Amount as "0 if SessionType=Add",
 * and Payture's own Node SDK (`apiLib/Ewallet.js`, init) always sends the key, empty when unset: all
 * three mean "no hold", none is an AMOUNT_ERROR. Anything else must be a positive whole number.
 */
function addSessionAmount(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '' || /^0+$/.test(raw)) return undefined;
  if (!/^[1-9]\d{0,11}$/.test(raw)) throw new Refusal('AMOUNT_ERROR');
  return Number(raw);
}

export const BINDING_HANDLERS = {
  Register({ data }, ctx) {
    const { login, password } = credentials(data);
    const details = contact(data);
    if (ctx.state.customers.has(login)) throw new Refusal('DUPLICATE_CUSTOMER');
    ctx.state.customers.set(login, { login, password, ...details, cards: [] });
    ctx.operations.record({ kind: 'customer-registered', at: ctx.now(), login });
    return successXml('Register', { VWUserLgn: login });
  },

  Check({ data }, ctx) {
    const customer = authenticate(data, ctx);
    return successXml('Check', { VWUserLgn: customer.login });
  },

  Update({ data }, ctx) {
    const customer = authenticate(data, ctx);
    Object.assign(customer, contact(data));
    return successXml('Update', { VWUserLgn: customer.login });
  },

  Delete({ data }, ctx) {
    const login = data['VWUserLgn'] ?? '';
    if (!isCredential(login)) throw new Refusal('WRONG_PARAMS');
    if (data['Password'] !== ctx.settings.terminalPassword) throw new Refusal('ACCESS_DENIED');
    if (!ctx.state.customers.delete(login)) throw new Refusal('CUSTOMER_NOT_FOUND');
    ctx.operations.record({ kind: 'customer-deleted', at: ctx.now(), login });
    return successXml('Delete', { VWUserLgn: login });
  },

  Init({ data }, ctx) {
    if ((data['SessionType'] ?? '').toLowerCase() !== 'add') throw new Refusal('WRONG_PARAMS');
    const customer = authenticate(data, ctx);
    if (!data['IP']) throw new Refusal('WRONG_PARAMS');
    const amount = addSessionAmount(data['Amount']);
    const orderId = data['OrderId'] || undefined;
    if (orderId !== undefined && ctx.state.orders.has(orderId)) throw new Refusal('DUPLICATE_ORDER_ID');

    const now = ctx.now();
    const sessionId = ctx.state.newSessionId();
    ctx.state.sessions.set(sessionId, {
      sessionId,
      login: customer.login,
      expiresAt: new Date(now.getTime() + ctx.settings.sessionLifetimeMinutes * 60_000),
      attemptsAllowed: ctx.settings.attemptsCount,
      attemptsUsed: 0,
      state: 'open',
      ...(data['Url'] ? { url: data['Url'] } : {}),
      ...(orderId === undefined ? {} : { orderId }),
      ...(amount === undefined ? {} : { amount }),
      ...(data['Language'] ? { language: data['Language'] } : {}),
    });
    if (orderId !== undefined) {
      ctx.state.orders.set(orderId, {
        orderId,
        terminal: ctx.settings.addTerminal,
        amount: amount ?? 0,
        state: 'New',
      });
    }
    ctx.operations.record({
      kind: 'session-opened',
      at: now,
      login: customer.login,
      sessionId,
      ...(orderId === undefined ? {} : { orderId }),
    });
    return successXml('Init', {
      OrderId: orderId,
      Amount: amount,
      SessionId: sessionId,
      SessionType: 'Add',
      SessionLifeTime: ctx.settings.sessionLifetimeMinutes,
      AttemptsCount: ctx.settings.attemptsCount,
    });
  },

  GetList({ data }, ctx) {
    const customer = authenticate(data, ctx);
    const items = customer.cards.slice(0, MAX_LISTED_CARDS).map((card) =>
      xmlElement(
        'Item',
        {
          CardName: card.cardName,
          CardId: card.cardId,
          CardHolder: card.holder,
          Status: card.status,
          NoCVV: String(card.noCvv),
          Expired: String(card.expired),
          ExpMonth: card.expMonth,
          ExpYear: card.expYear,
          PaymentSystem: card.paymentSystem,
        },
        [xmlElement('Param', { Key: 'LastSuccess', Value: lastSuccess(card.addedAt) })],
      ),
    );
    return successXml('GetList', { VWUserLgn: customer.login }, items);
  },

  Remove({ data }, ctx) {
    const customer = authenticate(data, ctx);
    const cardId = data['CardId'];
    const index = customer.cards.findIndex((card) => card.cardId === cardId);
    if (!cardId || index < 0) throw new Refusal('CARD_NOT_FOUND');
    customer.cards.splice(index, 1);
    ctx.operations.record({ kind: 'card-removed', at: ctx.now(), login: customer.login, cardId });
    return successXml('Remove', { VWUserLgn: customer.login, CardId: cardId });
  },

  Activate({ data }, ctx) {
    const customer = authenticate(data, ctx);
    const card = customer.cards.find((item) => item.cardId === data['CardId']);
    if (!card) throw new Refusal('CARD_NOT_FOUND');
    if (!/^[1-9]\d*$/.test(data['Amount'] ?? '')) throw new Refusal('AMOUNT_ERROR');
    if (card.status !== 'NotActive') throw new Refusal('ILLEGAL_ORDER_STATE');
    card.status = 'IsActive';
    ctx.operations.record({
      kind: 'card-activated',
      at: ctx.now(),
      login: customer.login,
      cardId: card.cardId,
    });
    return successXml('Activate', {
      VWUserLgn: customer.login,
      CardId: card.cardId,
      CardName: card.cardName,
    });
  },
} satisfies Record<
  'Register' | 'Check' | 'Update' | 'Delete' | 'Init' | 'GetList' | 'Remove' | 'Activate',
  Handler
>;
