import type { Binding, CardView } from '@cardbind/core';
import type { BindingView, CardListItem } from '../shared/api-types.js';

export function toCardListItem(card: CardView): CardListItem {
  const { maskedPan, holder, expiry, brand } = card.display;
  return {
    id: card.id,
    provider: card.provider,
    maskedPan,
    ...(holder === undefined ? {} : { holder }),
    ...(expiry === undefined ? {} : { expiry }),
    ...(brand === undefined ? {} : { brand }),
    createdAt: card.createdAt.toISOString(),
  };
}

/** Listed field by field, so nothing added to Binding later reaches the browser by accident. */
export function toBindingView(binding: Binding): BindingView {
  const view: BindingView = {
    id: binding.id,
    provider: binding.provider,
    status: binding.status,
    createdAt: binding.createdAt.toISOString(),
    expiresAt: binding.expiresAt.toISOString(),
  };
  if (binding.nextAction) view.nextAction = binding.nextAction;
  if (binding.card) view.card = toCardListItem(binding.card);
  if (binding.failure) {
    const { code, message, retryable, providerCode } = binding.failure;
    view.failure = { code, message, retryable, ...(providerCode === undefined ? {} : { providerCode }) };
  }
  return view;
}
