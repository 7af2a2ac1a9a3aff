import { CardBindingError, type HttpClient } from '@cardbind/core';
import { readOperationAnswer, requireHttpOk } from './answer.js';
import { errorForCodes } from './codes.js';
import { endpoint, ENDPOINTS, type PayOnlineConfig } from './config.js';
import { voidSecurityKey } from './security-key.js';

/**
 * Cancels the verification payment (Void works within 24 hours of a Pending or PreAuthorized auth).
 * Resolves when PayOnline answers `Result=Ok`; throws a CardBindingError otherwise.
 */
export async function voidTransaction(
  http: HttpClient,
  config: PayOnlineConfig,
  transactionId: string,
): Promise<void> {
  const response = await http.request({
    method: 'POST',
    url: endpoint(config, ENDPOINTS.void),
    form: {
      MerchantId: config.merchantId,
      TransactionId: transactionId,
      SecurityKey: voidSecurityKey(
        { merchantId: config.merchantId, transactionId },
        config.privateSecurityKey,
      ),
      ContentType: 'text',
    },
  });
  requireHttpOk(response.statusCode, 'Void');
  const answer = readOperationAnswer(response.body, 'Void answer');
  if (answer.kind === 'format-error') throw errorForCodes({ code: answer.error.code });
  if (answer.answer.result !== 'ok') {
    // Void answers carry a free-text Message and no code; the text stays out of the error.
    throw new CardBindingError('PROVIDER_REJECTED', 'PayOnline did not void the verification payment', {
      providerCode: 'VOID_ERROR',
    });
  }
}
