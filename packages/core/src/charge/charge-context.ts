import type { SavedCard } from '../card.js';
import type { ChargeRecord } from './charge.js';
import type { ProviderChargeContext, ProviderChargeStateContext } from './charge-provider.js';

/** What a provider is told about a charge: the card with its token (empty once the card was removed). */
export function chargeContext(
  record: ChargeRecord,
  card: SavedCard | undefined,
  now: Date,
): ProviderChargeContext {
  return {
    chargeId: record.id,
    orderId: record.orderId,
    customerId: record.customerId,
    card: card ?? { ...record.card, token: '' },
    amount: record.amount,
    ...(record.description === undefined ? {} : { description: record.description }),
    ...(record.returnUrl === undefined ? {} : { returnUrl: record.returnUrl }),
    providerOptions: record.providerOptions,
    now,
  };
}

export function chargeStateContext(
  record: ChargeRecord,
  card: SavedCard | undefined,
  now: Date,
): ProviderChargeStateContext {
  return {
    ...chargeContext(record, card, now),
    status: record.status,
    providerRef: record.providerRef,
    createdAt: record.createdAt,
  };
}
