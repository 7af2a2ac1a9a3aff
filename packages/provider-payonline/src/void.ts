import { CardBindingError, type HttpClient } from '@cardbind/core';
import { readOperationAnswer, requireHttpOk } from './answer.js';
import { errorForCodes } from './codes.js';
import { endpoint, ENDPOINTS, type PayOnlineConfig } from './config.js';
import { mainAccount, type MerchantAccount } from './merchant-account.js';
import { voidSecurityKey } from './security-key.js';

/**
 * Cancels a payment: the binding's verification payment or a charge (Void works within 24 hours of a
 * Pending or PreAuthorized payment). Resolves when PayOnline answers `Result=Ok`; throws a
 * CardBindingError otherwise (`VOID_ERROR` when PayOnline refused it). Never repeated by the HTTP
 * client. `account` is the merchant account the payment belongs to (default: the configured one).
 */
export async function voidTransaction(
  http: HttpClient,
  config: PayOnlineConfig,
  transactionId: string,
  account: MerchantAccount = mainAccount(config),
): Promise<void> {
  const { merchantId } = account;
  const response = await http.request({
    method: 'POST',
    url: endpoint(config, ENDPOINTS.void),
    form: {
      MerchantId: merchantId,
      TransactionId: transactionId,
      SecurityKey: voidSecurityKey({ merchantId, transactionId }, account.privateSecurityKey),
      ContentType: 'text',
    },
  });
  requireHttpOk(response.statusCode, 'Void');
  const answer = readOperationAnswer(response.body, 'Void answer');
  if (answer.kind === 'format-error') throw errorForCodes({ code: answer.error.code });
  if (answer.answer.result !== 'ok') {
    // Void answers carry a free-text Message and no code; the text stays out of the error.
    throw new CardBindingError('PROVIDER_REJECTED', 'PayOnline did not void the payment', {
      providerCode: 'VOID_ERROR',
    });
  }
}
