import { randomBytes } from 'node:crypto';
import { passesLuhn } from '@cardbind/core';
import { BINDING_DECLINES, brandOf } from '../magic-cards.js';
import type { RouteHandler } from './support.js';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * `/pay/{session}`: GET shows the card form, POST takes the card. A declined magic card ends the
 * session `declined`; any other Luhn-valid number is held as the customer's card. Either way a signed
 * notification goes out and the customer is sent back to the return URL with a `result` that is a
 * hint for the page only (ToyPay warns it can be forged).
 */
export const hostedPage: RouteHandler = async (ctx, { req, res, id, fields }) => {
  const { state } = ctx;
  const found = state.sessions.get(id);
  const session = found ? state.current(found) : undefined;
  if (!session || session.status !== 'open') {
    res
      .writeHead(410, { 'content-type': 'text/html; charset=utf-8' })
      .end('<p>This payment page has expired.</p>');
    return;
  }
  if (req.method === 'GET') {
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; form-action 'self'",
      })
      .end(
        `<form method="post" action="/pay/${escapeHtml(session.id)}">` +
          '<input name="number"><input name="exp" placeholder="MMYY"><input name="cvc"><input name="holder">' +
          '<button>Save card</button></form>',
      );
    return;
  }
  const number = (fields['number'] ?? '').replace(/\D/g, '');
  const exp = fields['exp'] ?? '';
  if (!passesLuhn(number) || !/^\d{4}$/.test(exp)) {
    res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end('<p>Check the card details.</p>');
    return;
  }
  const declineCode = BINDING_DECLINES.get(number);
  if (declineCode) {
    session.status = 'declined';
    session.declineCode = declineCode;
  } else {
    const token = `card_${randomBytes(8).toString('hex')}`;
    session.status = 'succeeded';
    session.card = {
      token,
      bin: number.slice(0, 6),
      last4: number.slice(-4),
      brand: brandOf(number),
      exp_month: Number(exp.slice(0, 2)),
      exp_year: 2000 + Number(exp.slice(2)),
      holder: fields['holder'] ?? '',
    };
    state.hold(session.customerReference, token, number);
  }
  await ctx.notifications.send(`session.${session.status}`, session);
  const back = new URL(session.returnUrl ?? `${ctx.baseUrl()}/done`);
  back.searchParams.set('session_id', session.id);
  back.searchParams.set('result', session.status);
  res.writeHead(303, { location: back.toString() }).end();
};
