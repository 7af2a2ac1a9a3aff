import { magicCardBehaviour, paymentSystemOf, storedCardFlags } from '../magic-cards.js';
import { addCardTo, type CardStatus, type EmulatedCard, type PaytureState } from '../state.js';

/** A stored card as tests see it: everything but the PAN fingerprint and the time it was added. */
export type EmulatedCardView = Omit<EmulatedCard, 'panFingerprint' | 'addedAt'>;

export interface EmulatedCustomerView {
  login: string;
  /** As Payture stores it, so tests can check how a provider derives it. */
  password: string;
  phone?: string;
  email?: string;
  cards: EmulatedCardView[];
}

/** A card placed in a customer's wallet directly, as if added in an earlier session. */
export interface SeedCard {
  number: string;
  holder?: string;
  /** `MM/YY`; default `12/30`. */
  expiry?: string;
  status?: CardStatus;
  noCvv?: boolean;
  expired?: boolean;
}

export interface PaytureCustomerControls {
  get(login: string): EmulatedCustomerView | undefined;
  list(): EmulatedCustomerView[];
  register(login: string, password: string, contact?: { phone?: string; email?: string }): void;
  /** Adds a card (the magic table decides the flags unless given); returns its CardId. */
  addCard(login: string, card: SeedCard): string;
  updateCard(
    login: string,
    cardId: string,
    patch: Partial<Pick<EmulatedCard, 'status' | 'noCvv' | 'expired'>>,
  ): void;
  removeCard(login: string, cardId: string): boolean;
}

function view(card: EmulatedCard): EmulatedCardView {
  return {
    cardId: card.cardId,
    cardName: card.cardName,
    holder: card.holder,
    expMonth: card.expMonth,
    expYear: card.expYear,
    paymentSystem: card.paymentSystem,
    status: card.status,
    noCvv: card.noCvv,
    expired: card.expired,
  };
}

export function customerControls(state: PaytureState, now: () => Date): PaytureCustomerControls {
  const customer = (login: string) => {
    const found = state.customers.get(login);
    if (!found) throw new Error(`The Payture emulator has no customer ${login}`);
    return found;
  };
  const card = (login: string, cardId: string) => {
    const found = customer(login).cards.find((item) => item.cardId === cardId);
    if (!found) throw new Error(`The Payture emulator has no card ${cardId} for ${login}`);
    return found;
  };
  const snapshot = (login: string): EmulatedCustomerView | undefined => {
    const found = state.customers.get(login);
    if (!found) return undefined;
    return {
      login: found.login,
      password: found.password,
      ...(found.phone === undefined ? {} : { phone: found.phone }),
      ...(found.email === undefined ? {} : { email: found.email }),
      cards: found.cards.map(view),
    };
  };
  return {
    get: snapshot,
    list: () => [...state.customers.keys()].flatMap((login) => snapshot(login) ?? []),
    register(login, password, contact = {}) {
      if (state.customers.has(login)) throw new Error(`The Payture emulator already has customer ${login}`);
      state.customers.set(login, { login, password, ...contact, cards: [] });
    },
    addCard(login, seed) {
      const pan = seed.number.replace(/\D/g, '');
      const flags = storedCardFlags(magicCardBehaviour(pan));
      const [month = '12', year = '30'] = (seed.expiry ?? '12/30').split('/');
      const stored = addCardTo(
        customer(login),
        {
          pan,
          holder: seed.holder ?? 'IVAN IVANOV',
          expMonth: month.padStart(2, '0'),
          expYear: `20${year.slice(-2)}`,
          paymentSystem: paymentSystemOf(pan),
          status: seed.status ?? flags.status,
          noCvv: seed.noCvv ?? flags.noCvv,
          expired: seed.expired ?? flags.expired,
          addedAt: now(),
        },
        () => state.newCardId(),
      );
      return stored.cardId;
    },
    updateCard(login, cardId, patch) {
      Object.assign(card(login, cardId), patch);
    },
    removeCard(login, cardId) {
      const cards = customer(login).cards;
      const index = cards.findIndex((item) => item.cardId === cardId);
      if (index < 0) return false;
      cards.splice(index, 1);
      return true;
    },
  };
}
