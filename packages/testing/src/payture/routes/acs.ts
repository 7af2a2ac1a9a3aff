import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyTransportFault } from '../../faults/apply-transport-fault.js';
import {
  renderBankErrorPage,
  renderChallengePage,
  renderReturnToMerchantPage,
} from '../../payonline/pages/acs-page.js';
import type { PaytureState } from '../state.js';
import { ACS_ROUTE, type RouteContext } from './support.js';

/** The emulated issuing bank's pages, beside vwapi: the challenge, and the confirmation it posts to. */
export const ACS_PATH = '/acs';
export const ACS_CONFIRM_PATH = '/acs/confirm';

export interface AcsContext {
  state: PaytureState;
  baseUrl: string;
  /** The one-time code the bank accepts; any other code yields a PaRes that fails PaySubmit3DS. */
  otp: string;
}

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
} as const;

function page(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, HEADERS).end(html);
}

/**
 * The browser arrives with the form the charge's next action describes (PaReq, MD = ThreeDSKey,
 * TermUrl: charging.md, "3-D Secure on Pay"); the bank asks for the code, then posts PaRes and MD back
 * to the TermUrl, as a real ACS does. The same pages as the PayOnline emulator's bank.
 */
export function handleAcs(
  res: ServerResponse,
  path: string,
  fields: Readonly<Record<string, string>>,
  ctx: AcsContext,
): void {
  const md = fields['MD'] ?? '';
  const paReq = fields['PaReq'] ?? '';
  const termUrl = fields['TermUrl'] ?? '';
  const order = ctx.state.orderByThreeDSKey(md);
  const step = order?.payment?.threeDSecure;
  if (!order || !step || step.paReq !== paReq || order.state !== 'PreAuthorized3DS') {
    return page(res, 400, renderBankErrorPage('Unknown or finished 3-D Secure request'));
  }
  if (!/^https?:\/\//.test(termUrl)) return page(res, 400, renderBankErrorPage('TermUrl is missing'));
  if (path === ACS_PATH) {
    return page(
      res,
      200,
      renderChallengePage({ confirmUrl: `${ctx.baseUrl}${ACS_CONFIRM_PATH}`, paReq, md, termUrl }),
    );
  }
  const paRes = randomBytes(64).toString('base64');
  step.issued.set(paRes, fields['code'] === ctx.otp);
  page(res, 200, renderReturnToMerchantPage({ termUrl, paRes, md }));
}

/** The bank's pages as a route: recorded, then an armed transport fault, then the page. */
export async function acsRoute(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  fields: Readonly<Record<string, string>>,
): Promise<void> {
  ctx.requests.push({ command: ACS_ROUTE, method: req.method ?? 'GET', data: {} });
  const fault = ctx.faults.take(ACS_ROUTE);
  if (fault && (await applyTransportFault(fault, req, res))) return;
  handleAcs(res, path, fields, { state: ctx.addFlow.state, baseUrl: ctx.baseUrl(), otp: ctx.otp });
}
