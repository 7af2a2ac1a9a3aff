/**
 * The small HTML pages of the 3-D Secure dance (auto-submit forms, result pages). Every value is escaped;
 * the only script is one constant line, allowed by its hash, so a strict CSP needs no nonce. No Node
 * built-ins: the client renders the ACS form with it too.
 */

/** Escapes text for an HTML text node or a double- or single-quoted attribute. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/`/g, '&#96;');
}

/** The auto-submit script. Changing it means changing its hash below (a test checks the pair). */
export const AUTO_SUBMIT_SCRIPT = 'document.forms[0].submit();';
/** CSP source for AUTO_SUBMIT_SCRIPT: `'sha256-' + base64(sha256(script))`. */
export const AUTO_SUBMIT_SCRIPT_HASH = "'sha256-8lDeP0UDwCO6/RhblgeH/ctdBzjVpJxrXizsnIk3cEQ='";

/** A form a browser must post. */
export interface HtmlForm {
  readonly action: string;
  readonly method: 'POST';
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * The CSP for an auto-submit page: nothing may load, the form may only go to `formActionOrigin`, the one
 * inline script runs by hash, and the page may not be framed (clickjacking a payment step). `inMeta`
 * leaves out `frame-ancestors`, which browsers ignore in a `<meta>` policy.
 */
export function autoSubmitCsp(formActionOrigin: string, options: { inMeta?: boolean } = {}): string {
  return [
    "default-src 'none'",
    `form-action ${formActionOrigin}`,
    `script-src ${AUTO_SUBMIT_SCRIPT_HASH}`,
    "base-uri 'none'",
    ...(options.inMeta === true ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
}

/** The CSP for a page with no form and no script. */
export const STATIC_PAGE_CSP =
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface AutoSubmitPage {
  readonly title: string;
  /** Shown while the browser submits (and to readers without JavaScript). */
  readonly message: string;
  readonly form: HtmlForm;
  /** Label of the `<noscript>` button. */
  readonly buttonLabel: string;
  /** A CSP to repeat in a `<meta>` element, for pages served where no header can be set. */
  readonly metaCsp?: string;
}

/** An HTML page that posts `form` at once, with a `<noscript>` button for browsers without scripts. */
export function renderAutoSubmitPage(page: AutoSubmitPage): string {
  const inputs = Object.entries(page.form.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const meta =
    page.metaCsp === undefined
      ? ''
      : `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(page.metaCsp)}">\n`;
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
${meta}<meta name="referrer" content="no-referrer">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<form method="post" action="${escapeHtml(page.form.action)}">
${inputs}
<p>${escapeHtml(page.message)}</p>
<noscript><button type="submit">${escapeHtml(page.buttonLabel)}</button></noscript>
</form>
<script>${AUTO_SUBMIT_SCRIPT}</script>
</body>
</html>
`;
}

/** A page with a heading and a sentence; nothing to run. */
export function renderMessagePage(title: string, message: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</body>
</html>
`;
}
