/// <reference lib="dom" />
import type { ChargeView } from '../shared/charge-api-types.js';
import { chargeStatusText, declineText, moneyText } from './charge-text.js';
import { byId, el } from './dom.js';

export interface ChargeActions {
  /** `amount` undefined: the rest of the charge. `done` re-enables the charge's Refund button. */
  onRefund(charge: ChargeView, amount: string | undefined, done: () => void): void;
  /** Sends the customer to the bank's page of a charge waiting for 3-D Secure. */
  onConfirm(charge: ChargeView): void;
}

/**
 * The customer's charges, newest first: amount, status, what was refunded, the decline's reason and
 * when a retry is allowed, and a Refund (all, or an amount) for what is left of a succeeded charge.
 */
export function renderCharges(charges: readonly ChargeView[], actions: ChargeActions): void {
  byId('charge-list', HTMLUListElement).replaceChildren(
    ...charges.map((charge) => chargeItem(charge, actions)),
  );
  byId('no-charges', HTMLElement).hidden = charges.length > 0;
}

function chargeItem(charge: ChargeView, actions: ChargeActions): HTMLLIElement {
  const meta = [
    `card ${charge.card.maskedPan}`,
    `via ${charge.provider}`,
    new Date(charge.createdAt).toLocaleString(),
  ].join(' · ');
  const item = el(
    'li',
    { 'data-charge': charge.id, 'data-status': charge.status },
    el(
      'span',
      {},
      el('span', { class: 'amount' }, moneyText(charge.amount)),
      ' ',
      el('span', { class: 'charge-status' }, chargeStatusText(charge)),
      el('span', { class: 'meta' }, meta),
    ),
  );
  if (charge.refunded.minor > 0) {
    item.append(el('span', { class: 'refunded' }, `Refunded ${moneyText(charge.refunded)}`));
  }
  if (charge.status === 'failed' && charge.failure) {
    item.append(el('p', { class: 'decline' }, declineText(charge.failure)));
  }
  if (charge.status === 'succeeded' && charge.refunded.minor < charge.amount.minor) {
    item.append(refundForm(charge, actions));
  }
  if (charge.status === 'requires_action' && charge.nextAction?.type === 'redirect') {
    const confirm = el('button', { type: 'button', class: 'confirm' }, 'Confirm with your bank');
    confirm.addEventListener('click', () => actions.onConfirm(charge));
    item.append(confirm);
  }
  return item;
}

function refundForm(charge: ChargeView, actions: ChargeActions): HTMLFormElement {
  const amount = el('input', {
    name: 'amount',
    class: 'refund-amount',
    inputmode: 'decimal',
    autocomplete: 'off',
    placeholder: 'all',
    'aria-label': 'Amount to refund (empty: all that is left)',
  });
  const button = el('button', { type: 'submit', class: 'refund secondary' }, 'Refund');
  const form = el('form', { class: 'refund-form' }, amount, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    const typed = amount.value.trim().replace(',', '.');
    actions.onRefund(charge, typed === '' ? undefined : typed, () => {
      button.disabled = false;
    });
  });
  return form;
}
