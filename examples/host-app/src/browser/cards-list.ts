/// <reference lib="dom" />
import type { CardListItem } from '../shared/api-types.js';
import { moneyText } from './charge-text.js';
import { byId, el } from './dom.js';

export interface CardActions {
  onRemove(card: CardListItem): void;
  /** `amount` as typed, e.g. "10.00"; `done` re-enables the card's charge button. */
  onCharge(card: CardListItem, amount: string, done: () => void): void;
}

const DEFAULT_AMOUNT = '10.00';

/**
 * The saved cards: masked number, holder, expiry and provider; an amount field with a Charge button,
 * and a Remove button, each.
 */
export function renderCards(cards: readonly CardListItem[], actions: CardActions): void {
  const list = byId('card-list', HTMLUListElement);
  list.replaceChildren(
    ...cards.map((card) => {
      const details = [
        card.brand,
        card.holder,
        card.expiry && `expires ${card.expiry}`,
        `via ${card.provider}`,
      ]
        .filter((part): part is string => typeof part === 'string' && part !== '')
        .join(' · ');
      const remove = el('button', { type: 'button', class: 'secondary', 'data-card': card.id }, 'Remove');
      remove.addEventListener('click', () => actions.onRemove(card));
      return el(
        'li',
        { 'data-card': card.id },
        el('span', {}, el('span', { class: 'pan' }, card.maskedPan), el('span', { class: 'meta' }, details)),
        chargeForm(card, actions),
        remove,
      );
    }),
  );
  byId('no-cards', HTMLElement).hidden = cards.length > 0;
}

function chargeForm(card: CardListItem, actions: CardActions): HTMLFormElement {
  const amount = el('input', {
    name: 'amount',
    class: 'charge-amount',
    inputmode: 'decimal',
    autocomplete: 'off',
    'aria-label': `Amount to charge to ${card.maskedPan}, in rubles`,
  });
  amount.value = DEFAULT_AMOUNT;
  const button = el('button', { type: 'submit', class: 'charge' }, buttonText(DEFAULT_AMOUNT));
  amount.addEventListener('input', () => {
    button.textContent = buttonText(amount.value);
  });
  const form = el('form', { class: 'charge-form', 'data-card': card.id }, amount, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // Disabled at once, before anything is sent: a second click of a double click finds it disabled.
    if (button.disabled) return;
    button.disabled = true;
    actions.onCharge(card, normalised(amount.value), () => {
      button.disabled = false;
    });
  });
  return form;
}

function buttonText(amount: string): string {
  return `Charge ${moneyText({ major: normalised(amount) || '0', currency: 'RUB' })}`;
}

/** "10,50" is how many customers type 10.50; the host does the conversion, on the digits. */
function normalised(amount: string): string {
  return amount.trim().replace(',', '.');
}
