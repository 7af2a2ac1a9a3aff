import { type CallbackResponse, CardBindingError } from '@cardbind/core';
import type { PayOnlineConfig } from '../config.js';
import { Base64Value } from '../wire/answer.js';
import { endpoint } from '../wire/endpoints.js';
import {
  autoSubmitCsp,
  renderAutoSubmitPage,
  renderMessagePage,
  STATIC_PAGE_CSP,
  type HtmlForm,
} from '../wire/html.js';
import { constantTimeEqual, messageDigest, termUrlToken, threeDsSecurityKey } from '../wire/security-key.js';
import { ORDER_ID_PATTERN } from './order-id.js';

/**
 * 3-D Secure after PayOnline's Code 6001: the app sends the payer to the bank's ACS with PaReq, MD and
 * TermUrl; the bank posts PaRes and MD back to the term_url (the host's route into `handleCallback`);
 * the term_url page then sends `MerchantId, TransactionId, PARes, PD, SecurityKey` to PayOnline's 3-DS
 * endpoint, from the browser (an auto-submit form) or from the server.
 */

/** The query parameter of the term_url that names the order, so the bank's post finds its binding. */
export const TERM_URL_ORDER_PARAM = 'order';
/** The query parameter of the term_url with the order's token (`termUrlToken`). */
export const TERM_URL_TOKEN_PARAM = 'token';

/**
 * The term_url handed to the app for each order: the configured term_url with the order and a token
 * only the host can make for it. PayOnline's doc has the app send TermUrl to the bank, and the bank
 * post back to it unchanged. The configured URL is parsed once, here, not per binding: init runs for
 * every binding and has nothing else to wait for (docs/performance.md, scenario 6). Order ids and
 * tokens are `[A-Za-z0-9_-]` only (`orderIdFor`, base64url), which need no escaping in a query.
 */
export function termUrlBuilder(
  config: Pick<PayOnlineConfig, 'termUrl' | 'privateSecurityKey'>,
): (orderId: string) => string {
  const url = new URL(config.termUrl);
  // Removing them also drops an empty `?`, so the base has a query only when it keeps other params.
  url.searchParams.delete(TERM_URL_ORDER_PARAM);
  url.searchParams.delete(TERM_URL_TOKEN_PARAM);
  const hash = url.hash;
  url.hash = '';
  const base = `${url.toString()}${url.search === '' ? '?' : '&'}`;
  const key = config.privateSecurityKey;
  return (orderId) =>
    `${base}${TERM_URL_ORDER_PARAM}=${encodeURIComponent(orderId)}&${TERM_URL_TOKEN_PARAM}=${termUrlToken(orderId, key)}${hash}`;
}

/**
 * The order a bank's post to the term_url is for. Refused (CALLBACK_REJECTED) unless the URL carries an
 * order id cardbind issues and that order's token: nothing of it is read before the token checks out.
 */
export function orderOfTermUrl(
  query: Readonly<Record<string, string>>,
  config: Pick<PayOnlineConfig, 'privateSecurityKey'>,
): string {
  const orderId = query[TERM_URL_ORDER_PARAM];
  if (orderId === undefined || !ORDER_ID_PATTERN.test(orderId)) {
    throw new CardBindingError('CALLBACK_REJECTED', 'The 3-D Secure return names no order');
  }
  const token = query[TERM_URL_TOKEN_PARAM] ?? '';
  if (!constantTimeEqual(termUrlToken(orderId, config.privateSecurityKey), token)) {
    throw new CardBindingError('CALLBACK_REJECTED', "The 3-D Secure return lacks its order's token");
  }
  return orderId;
}

export interface MerchantData {
  readonly transactionId: string;
  readonly pd: string;
}

/**
 * MD is `{TransactionId};{PD}`. The doc's own example uses a comma, so both are accepted (PD is base64,
 * which has neither). Anything else is refused: these values are signed with the private key below, so
 * they must not smuggle `&Name=value` into the signed string.
 */
export function parseMerchantData(md: string): MerchantData | undefined {
  const match = /^\s*(\d{1,19})\s*[;,]([\s\S]+)$/.exec(md);
  if (!match?.[1] || !match[2]) return undefined;
  const pd = Base64Value.safeParse(match[2]);
  return pd.success ? { transactionId: match[1], pd: pd.data } : undefined;
}

/** PaRes as the bank sent it, whitespace removed; undefined when it is not base64. */
export function parsePaRes(paRes: string): string | undefined {
  const parsed = Base64Value.safeParse(paRes);
  return parsed.success ? parsed.data : undefined;
}

/** What one bank return said (MD and PaRes), as a keyed digest: the term_url takes one per order. */
export function threeDsReturnDigest(
  config: Pick<PayOnlineConfig, 'privateSecurityKey'>,
  data: MerchantData & { readonly paRes: string },
): string {
  return messageDigest(
    'payonline.3ds_return',
    [data.transactionId, data.pd, data.paRes],
    config.privateSecurityKey,
  );
}

/** The signed fields PayOnline's 3-DS endpoint takes, as a form the browser (or the server) posts. */
export function threeDsCompletionForm(
  config: PayOnlineConfig,
  data: MerchantData & { readonly paRes: string },
): HtmlForm {
  return {
    action: endpoint(config, 'auth3ds'),
    method: 'POST',
    fields: {
      MerchantId: config.merchantId,
      TransactionId: data.transactionId,
      PARes: data.paRes,
      PD: data.pd,
      SecurityKey: threeDsSecurityKey(
        { merchantId: config.merchantId, transactionId: data.transactionId, paRes: data.paRes, pd: data.pd },
        config.privateSecurityKey,
      ),
    },
  };
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
} as const;

/** The term_url's answer in browser-form mode: a page that posts the completion form to PayOnline. */
export function autoSubmitResponse(form: HtmlForm): CallbackResponse {
  return {
    status: 200,
    headers: { ...PAGE_HEADERS, 'content-security-policy': autoSubmitCsp(new URL(form.action).origin) },
    body: renderAutoSubmitPage({
      title: 'Completing card verification',
      message: 'Completing the card verification with PayOnline…',
      form,
      buttonLabel: 'Continue',
    }),
  };
}

/** A static result page (server mode, or a binding that has already finished). */
export function messageResponse(title: string, message: string): CallbackResponse {
  return {
    status: 200,
    headers: { ...PAGE_HEADERS, 'content-security-policy': STATIC_PAGE_CSP },
    body: renderMessagePage(title, message),
  };
}
