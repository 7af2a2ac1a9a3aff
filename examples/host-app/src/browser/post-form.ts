/// <reference lib="dom" />
import type { HtmlForm } from '@cardbind/provider-payonline/client';
import { el } from './dom.js';

/** Navigates by POSTing a form (the ACS wants PaReq, MD and TermUrl in a browser form post). */
export function postForm(form: HtmlForm): void {
  const element = el('form', { method: form.method, action: form.action, hidden: '' });
  for (const [name, value] of Object.entries(form.fields)) {
    const input = el('input', { type: 'hidden', name });
    input.value = value;
    element.append(input);
  }
  document.body.append(element);
  element.submit();
}
