import type { HttpClient } from '@cardbind/core';
import { readOperationAnswer, requireHttpOk } from './answer.js';
import { endpoint, ENDPOINTS, type PayOnlineConfig } from './config.js';
import type { MerchantAccount } from './merchant-account.js';
import { refundSecurityKey } from './security-key.js';

export type RefundAnswer =
  | { readonly kind: 'refunded' }
  /** PayOnline said no: the money did not move. `code` when the answer gave one. */
  | { readonly kind: 'refused'; readonly code?: string };

/**
 * PayOnline's Refund (charging.md, "Refund"): only a `Settled` payment; `Amount` is mandatory and the
 * call repeatable until the full amount; key MD5 of `MerchantId&TransactionId&Amount&PrivateSecurityKey`;
 * answer `TransactionId&Operation=Refund&Amount&Result&Message=Refunded`. Sent once, never repeated by
 * the HTTP client: a repeated Refund would refund twice. A timeout, a non-200 status or an unreadable
 * answer throws PROVIDER_UNAVAILABLE, and the refund stays `processing`.
 */
export async function refundTransaction(
  http: HttpClient,
  config: PayOnlineConfig,
  account: MerchantAccount,
  payment: { readonly transactionId: string; readonly amount: string },
): Promise<RefundAnswer> {
  const { merchantId } = account;
  const response = await http.request({
    method: 'POST',
    url: endpoint(config, ENDPOINTS.refund),
    form: {
      MerchantId: merchantId,
      TransactionId: payment.transactionId,
      Amount: payment.amount,
      SecurityKey: refundSecurityKey(
        { merchantId, transactionId: payment.transactionId, amount: payment.amount },
        account.privateSecurityKey,
      ),
      ContentType: 'text',
    },
  });
  requireHttpOk(response.statusCode, 'Refund');
  const answer = readOperationAnswer(response.body, 'Refund answer');
  // A refusal of the request itself (`Code=..&Message=..`): nothing was processed.
  if (answer.kind === 'format-error') return { kind: 'refused', code: answer.error.code };
  if (answer.answer.result === 'ok') return { kind: 'refunded' };
  // Like Void's, a refused Refund carries a free-text Message; its text stays out of any error.
  return { kind: 'refused', ...(answer.answer.code === undefined ? {} : { code: answer.answer.code }) };
}
