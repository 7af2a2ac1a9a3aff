import { readHtmlForm } from '../../payonline/browser/html-form.js';
import { ADD_FORM_FIELDS } from '../pages/add-page.js';

/** What the customer types on the Add page. */
export interface CardEntry {
  number: string;
  /** `MM/YY`; default `12/30`. */
  expiry?: string;
  holder?: string;
  cvv?: string;
}

export interface AddPageResult {
  /** 302 when the page sent the customer back; 200 for the form again (an error) or a result page. */
  status: number;
  /** The session's Url with `{orderid}` and `{success}` filled in. */
  location?: string;
  body: string;
}

/**
 * Does what a browser does on the hosted page, over real HTTP: GET the page, read its form, POST the
 * card with the form's own fields to the form's action, and report the answer without following it.
 */
export async function completeAddSession(pageUrl: string, card: CardEntry): Promise<AddPageResult> {
  const pageResponse = await fetch(pageUrl, { redirect: 'manual' });
  const html = await pageResponse.text();
  const form = readHtmlForm(html);
  if (pageResponse.status !== 200 || !form) {
    const pageLocation = pageResponse.headers.get('location');
    return { status: pageResponse.status, body: html, ...(pageLocation ? { location: pageLocation } : {}) };
  }
  const fields = new URLSearchParams(form.fields);
  fields.set(ADD_FORM_FIELDS.cardNumber, card.number);
  fields.set(ADD_FORM_FIELDS.expiry, card.expiry ?? '12/30');
  fields.set(ADD_FORM_FIELDS.holder, card.holder ?? 'IVAN IVANOV');
  fields.set(ADD_FORM_FIELDS.cvv, card.cvv ?? '123');
  const response = await fetch(new URL(form.action, pageUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  return { status: response.status, body: await response.text(), ...(location === null ? {} : { location }) };
}
