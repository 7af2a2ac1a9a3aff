import type { RedactionRulesInput } from '@cardbind/core';

/**
 * PayOnline's secret wire names, added to every log line of a container that loads this provider: the
 * request signature (`SecurityKey`) and the merchant's `PrivateSecurityKey`, the charge token
 * (`RebillAnchor`), and 3-D Secure's `PD` payload next to the PaReq/PaRes/MD the generic rules drop.
 */
export const PAYONLINE_REDACTION: RedactionRulesInput = {
  dropFields: ['SecurityKey', 'PrivateSecurityKey', 'RebillAnchor', 'PD'],
};
