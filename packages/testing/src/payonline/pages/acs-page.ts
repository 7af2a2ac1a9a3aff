import { escapeHtml } from '../../http/escape-html.js';

/**
 * The emulated issuing bank's 3-D Secure pages: a challenge asking for the one-time code, then a page
 * that posts PaRes and MD back to the merchant's TermUrl (as a real ACS does from the browser).
 */
export function renderChallengePage(input: {
  readonly confirmUrl: string;
  readonly paReq: string;
  readonly md: string;
  readonly termUrl: string;
}): string {
  return `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Emulated bank: 3-D Secure</title></head>
<body>
<h1>Confirm your payment</h1>
<p>Enter the one-time code the bank sent you.</p>
<form method="post" action="${escapeHtml(input.confirmUrl)}">
<input type="hidden" name="PaReq" value="${escapeHtml(input.paReq)}">
<input type="hidden" name="MD" value="${escapeHtml(input.md)}">
<input type="hidden" name="TermUrl" value="${escapeHtml(input.termUrl)}">
<label>Code <input type="text" name="code" value="" autocomplete="one-time-code"></label>
<button type="submit">Confirm</button>
</form>
</body>
</html>
`;
}

export function renderReturnToMerchantPage(input: {
  readonly termUrl: string;
  readonly paRes: string;
  readonly md: string;
}): string {
  return `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Emulated bank: returning to the shop</title></head>
<body>
<form method="post" action="${escapeHtml(input.termUrl)}">
<input type="hidden" name="PaRes" value="${escapeHtml(input.paRes)}">
<input type="hidden" name="MD" value="${escapeHtml(input.md)}">
<noscript><button type="submit">Return to the shop</button></noscript>
</form>
<script>document.forms[0].submit();</script>
</body>
</html>
`;
}

export function renderBankErrorPage(message: string): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Emulated bank: error</title></head>
<body><h1>3-D Secure error</h1><p>${escapeHtml(message)}</p></body></html>
`;
}
