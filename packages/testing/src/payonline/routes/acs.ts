import { respondHtml } from '../answers.js';
import { renderBankErrorPage, renderChallengePage, renderReturnToMerchantPage } from '../pages/acs-page.js';
import { awkwardBase64 } from '../state.js';
import type { RouteHandler } from './support.js';

/**
 * The emulated bank: `/acs/` shows the challenge for a PaReq awaiting 3-D Secure, `/acs/confirm/`
 * takes the code and returns the payer to the TermUrl with a PaRes that passes only for the right one.
 */
export const acs: RouteHandler = (ctx, { res, path, fields }) => {
  const paReq = fields['PaReq'] ?? '';
  const transaction = ctx.state.byPaReq(paReq);
  const session = transaction?.threeDs;
  const termUrl = fields['TermUrl'] ?? '';
  if (!transaction || !session || transaction.status !== 'Awaiting3DAuthentication') {
    return respondHtml(res, 400, renderBankErrorPage('Unknown or finished 3-D Secure request'));
  }
  if (!/^https?:\/\//.test(termUrl)) return respondHtml(res, 400, renderBankErrorPage('TermUrl is missing'));
  const md = fields['MD'] ?? '';
  if (path === '/acs/') {
    return respondHtml(
      res,
      200,
      renderChallengePage({ confirmUrl: `${ctx.baseUrl()}/acs/confirm/`, paReq, md, termUrl }),
    );
  }
  const paRes = awkwardBase64(64);
  session.issued.set(paRes, fields['code'] === ctx.otp);
  respondHtml(res, 200, renderReturnToMerchantPage({ termUrl, paRes, md }));
};
