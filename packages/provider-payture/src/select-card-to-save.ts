import type { PaytureCard } from './payture-card.js';
import { cardFingerprint } from './ref.js';

/**
 * A card that can be charged later without the customer: active (not waiting for activation), CVV not
 * required, not expired. A flag Payture left out counts as "unknown", which is not eligible.
 */
export function isEligible(card: PaytureCard): boolean {
  return card.active && card.noCvv === false && card.expired === false;
}

export interface CardSelection {
  /** Fingerprints of the cards the customer already had when the binding began. */
  knownBefore: ReadonlySet<string>;
  /**
   * What to save when no new card is eligible — the customer entered a card Payture already had.
   * `none`: nothing (a bare poll: an old card would be saved for a session nobody completed);
   * `first-eligible`: the seed's rule, once the customer came back from the page; `{ cardId }`: only
   * the card a notification named (knowing a CardId is the evidence).
   */
  fallback: 'none' | 'first-eligible' | { cardId: string };
}

/**
 * Chooses the card a binding saves from a GetList answer: the first eligible card that is new since the
 * binding began; failing that, what `fallback` allows. `undefined` when none qualifies.
 */
export function selectCardToSave(
  cards: readonly PaytureCard[],
  selection: CardSelection,
): PaytureCard | undefined {
  const eligible = cards.filter(isEligible);
  const fresh = eligible.find((card) => !selection.knownBefore.has(cardFingerprint(card.cardId)));
  if (fresh) return fresh;
  const { fallback } = selection;
  if (fallback === 'none') return undefined;
  if (fallback === 'first-eligible') return eligible[0];
  return eligible.find((card) => card.cardId === fallback.cardId);
}
