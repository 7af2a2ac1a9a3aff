import { autoSubmitCsp, type HtmlForm, renderAutoSubmitPage } from '../wire/html.js';

/** The 3-D Secure part of `submitCardForm`'s result. */
export interface ThreeDsChallenge {
  readonly acsUrl: string;
  readonly paReq: string;
  readonly md: string;
  readonly termUrl: string;
}

/**
 * The form the customer's browser must POST to the bank's ACS: PaReq, MD and TermUrl, as PayOnline's
 * doc prescribes. Render it natively, in a WebView with `renderAcsFormHtml`, or as a hidden form.
 */
export function buildAcsForm(challenge: ThreeDsChallenge): HtmlForm {
  return {
    action: challenge.acsUrl,
    method: 'POST',
    fields: { PaReq: challenge.paReq, MD: challenge.md, TermUrl: challenge.termUrl },
  };
}

/**
 * A whole HTML page that auto-submits the ACS form (for a WebView or a new window): every value
 * escaped, a `<noscript>` button, and a CSP in a `<meta>` element that lets the form go only to the
 * ACS's origin and runs only the one auto-submit line.
 */
export function renderAcsFormHtml(form: HtmlForm): string {
  return renderAutoSubmitPage({
    title: '3-D Secure',
    message: 'Redirecting to your bank for verification…',
    form,
    buttonLabel: 'Continue to your bank',
    metaCsp: autoSubmitCsp(new URL(form.action).origin, { inMeta: true }),
  });
}
