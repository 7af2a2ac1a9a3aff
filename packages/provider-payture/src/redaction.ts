import type { RedactionRulesInput } from '@cardbind/core';

/**
 * Payture's secret wire names, added to every log line of a container that loads this provider:
 * `DATA` carries the customer's login and password (`VWUserPsw`), and a `CardId` is a charge token.
 * The terminal password travels as `Password`, which the generic rules already drop.
 */
export const PAYTURE_REDACTION: RedactionRulesInput = {
  dropFields: ['DATA', 'VWUserPsw', 'CardId'],
};
