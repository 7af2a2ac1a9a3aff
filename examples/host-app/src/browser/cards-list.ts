/// <reference lib="dom" />
import type { CardListItem } from '../shared/api-types.js';
import { byId, el } from './dom.js';

/** The saved cards: masked number, holder, expiry and provider; a Remove button each. */
export function renderCards(cards: readonly CardListItem[], onRemove: (card: CardListItem) => void): void {
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
      remove.addEventListener('click', () => onRemove(card));
      return el(
        'li',
        { 'data-card': card.id },
        el('span', {}, el('span', { class: 'pan' }, card.maskedPan), el('span', { class: 'meta' }, details)),
        remove,
      );
    }),
  );
  byId('no-cards', HTMLElement).hidden = cards.length > 0;
}
