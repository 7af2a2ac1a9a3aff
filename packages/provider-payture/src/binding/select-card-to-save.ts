import type { PaytureCard } from '../wire/payture-card.js';
import { cardFingerprint } from '../ref.js';

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
   * The CardId a CustomerAddSuccess notification named. The only evidence that may save a card the
   * customer already had (they re-entered a number Payture keeps under its old CardId): notifications
   * are unsigned, but a CardId is a charge token that neither the customer nor anyone outside Payture
   * and the merchant sees, and GetList must still show it in this customer's wallet. The return URL's
   * `success=True` is never such evidence: anyone holding the binding id can type it, before the page
   * was even opened.
   */
  notifiedCardId?: string;
}

/**
 * Chooses the card a binding saves from a GetList answer: a card that is new since the binding began
 * (the one the notification named, if it is new, else the first); failing that, the already-known card
 * the notification named. Only eligible cards count. `undefined` when none qualifies — Behind-API's
 * card rule (the first eligible card, whatever was there before) is deliberately not followed.
 */
export function selectCardToSave(
  cards: readonly PaytureCard[],
  selection: CardSelection,
): PaytureCard | undefined {
  const eligible = cards.filter(isEligible);
  const named = eligible.find((card) => card.cardId === selection.notifiedCardId);
  const fresh = eligible.filter((card) => !selection.knownBefore.has(cardFingerprint(card.cardId)));
  if (named && fresh.includes(named)) return named;
  return fresh[0] ?? named;
}
