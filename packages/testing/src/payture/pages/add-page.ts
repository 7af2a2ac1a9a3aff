/** The hosted Add page: an HTML form that posts the card to the emulator, never to the merchant. */
import { escapeHtml } from '../../http/escape-html.js';

/**
 * No script, no third-party anything. No `form-action`: browsers apply it to the redirect that follows
 * the form's POST too, and that redirect goes to the merchant's return URL, wherever it is.
 */
export const ADD_PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
} as const;

/** The names of the form's fields: what a browser (or `completeAddSession`) posts. */
export const ADD_FORM_FIELDS = {
  sessionId: 'SessionId',
  cardNumber: 'CardNumber',
  expiry: 'Expiry',
  holder: 'CardHolder',
  cvv: 'SecureCode',
} as const;

export interface AddPageView {
  sessionId: string;
  attemptsLeft: number;
  amount?: number;
  error?: string;
  language?: string;
}

export function renderAddPage(view: AddPageView): string {
  const f = ADD_FORM_FIELDS;
  const amount =
    view.amount === undefined
      ? ''
      : `<p>A verification amount of ${escapeHtml((view.amount / 100).toFixed(2))} RUB will be held and released.</p>`;
  const error = view.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(view.error)}</p>`;
  return `<!DOCTYPE html>
<html lang="${view.language === 'EN' ? 'en' : 'ru'}">
<head><meta charset="utf-8"><title>Payture emulator: add a card</title>
<style>body{font-family:sans-serif;max-width:24rem;margin:2rem auto}label{display:block;margin:.5rem 0}.error{color:#b00}</style>
</head>
<body>
<h1>Add a card</h1>
${error}${amount}
<form method="POST" action="/vwapi/Add" autocomplete="off">
<input type="hidden" name="${f.sessionId}" value="${escapeHtml(view.sessionId)}">
<label>Card number <input name="${f.cardNumber}" inputmode="numeric" autocomplete="cc-number" required></label>
<label>Expiry (MM/YY) <input name="${f.expiry}" placeholder="MM/YY" autocomplete="cc-exp" required></label>
<label>Card holder <input name="${f.holder}" autocomplete="cc-name"></label>
<label>CVV <input name="${f.cvv}" type="password" inputmode="numeric" autocomplete="cc-csc" required></label>
<p>Attempts left: ${view.attemptsLeft}</p>
<button type="submit">Add card</button>
</form>
</body>
</html>`;
}

export function renderMessagePage(title: string, message: string): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}
