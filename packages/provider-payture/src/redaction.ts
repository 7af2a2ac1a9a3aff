import type { RedactionRulesInput } from '@cardbind/core';

/**
 * Payture's secret wire names, added to every log line of a container that loads this provider:
 * `DATA` carries the customer's login and password (`VWUserPsw`) or the Pay terminal's `Password`,
 * and a `CardId` is a charge token (in Pay's DATA and GetState's answer). `ThreeDSKey` is the 3-D
 * Secure MD of a payment under another name (Pay's `Success="3DS"` answer, charging.md). The
 * terminal password (`Password`) and the 3-D Secure fields `PaReq`, `PaRes` and `MD` are dropped by
 * the generic rules already.
 */
export const PAYTURE_REDACTION: RedactionRulesInput = {
  dropFields: ['DATA', 'VWUserPsw', 'CardId', 'ThreeDSKey'],
};
