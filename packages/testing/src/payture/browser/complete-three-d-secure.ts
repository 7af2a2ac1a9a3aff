import { readHtmlForm } from '../../payonline/browser/html-form.js';

/** A charge's redirect action: POST to the bank's ACSUrl with PaReq, MD and TermUrl. */
export interface ThreeDSecureAction {
  url: string;
  fields?: Readonly<Record<string, string>>;
}

/** What the bank's last page posts to the host's TermUrl: `PaRes` and `MD`. */
export interface TermUrlPost {
  termUrl: string;
  fields: Record<string, string>;
}

async function postForm(url: string, fields: Readonly<Record<string, string>>): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`The emulated bank answered HTTP ${response.status}`);
  return html;
}

/**
 * Does what the customer's browser does with a 3-D Secure action, over real HTTP: posts the action's
 * form to the ACS, types `code` (the emulator's `otp` passes, anything else fails) and returns the
 * auto-submitted form the bank would post to the TermUrl, without posting it: the test hands its
 * fields to the host's term page (`completeChargeAction`).
 */
export async function completeThreeDSecure(
  action: ThreeDSecureAction,
  options: { code: string },
): Promise<TermUrlPost> {
  const challenge = readHtmlForm(await postForm(action.url, action.fields ?? {}));
  if (!challenge) throw new Error('The emulated bank showed no challenge form');
  const back = readHtmlForm(
    await postForm(new URL(challenge.action, action.url).toString(), {
      ...challenge.fields,
      code: options.code,
    }),
  );
  if (!back) throw new Error('The emulated bank did not post back to the TermUrl');
  return { termUrl: back.action, fields: back.fields };
}
