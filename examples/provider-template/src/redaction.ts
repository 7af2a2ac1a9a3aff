import type { RedactionRulesInput } from '@cardbind/core';

/**
 * ToyPay's secret wire names, added to every log line of a container that loads this provider. Its
 * card token is `token` and its webhook signature `signature`; `token` is dropped by the generic rules
 * already, and listing it keeps the provider's own intent visible here.
 */
export const TOYPAY_REDACTION: RedactionRulesInput = {
  dropFields: ['token', 'signature'],
};
