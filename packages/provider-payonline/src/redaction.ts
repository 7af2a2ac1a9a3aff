import type { RedactionRulesInput } from '@cardbind/core';

/**
 * PayOnline's secret wire names, added to every log line of a container that loads this provider: the
 * request signature (`SecurityKey`) and the merchant's `PrivateSecurityKey`, the charge token
 * (`RebillAnchor`), and 3-D Secure's `PD` payload next to the PaReq/PaRes/MD the generic rules drop.
 *
 * A form action's params name the field apart from its value (`{"name":"RebillAnchor","value":".."}`),
 * which no field rule sees: the relayed rebill's action carries the anchor and the signature that way,
 * so the pattern drops those values wherever such an action was logged as text.
 */
export const PAYONLINE_REDACTION: RedactionRulesInput = {
  dropFields: ['SecurityKey', 'PrivateSecurityKey', 'RebillAnchor', 'PD'],
  patterns: [/"name"\s*:\s*"(?:RebillAnchor|SecurityKey|PrivateSecurityKey)"\s*,\s*"value"\s*:\s*"([^"]+)"/i],
};
