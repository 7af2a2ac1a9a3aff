import type { FormAction } from '@cardbind/core';
import type { PayOnlineConfig } from '../config.js';
import { endpoint } from '../wire/endpoints.js';
import { rebillParams, type RebillOrder } from '../wire/rebill-params.js';

/**
 * LitRes's relayed rebill: instead of calling PayOnline, the host gives the app the signed Rebill and
 * the app posts it as given. LitRes's form-params spec: "a rebill request carries no substitute
 * params; the app simply relays the request to the processing server", and a new request is fetched
 * for every payment attempt. PayOnline answers the app "accepted", not "charged" (same spec), so the
 * charge is settled by Search (`checkCharge`), which the service's reconciler runs.
 *
 * What the app receives: the RebillAnchor (needed on the wire) and the SecurityKey, a signature over
 * this one order and amount, not a key (a reused OrderId is refused with 4016, so the request cannot
 * charge twice). The PrivateSecurityKey never leaves the host.
 */
export function relayedRebillAction(config: PayOnlineConfig, order: RebillOrder): FormAction {
  return {
    type: 'form',
    url: endpoint(config, 'rebill'),
    method: 'POST',
    processor: config.processor,
    orderId: order.orderId,
    params: rebillParams(config, order, config.contentType),
  };
}
