import { createHash, randomUUID } from 'node:crypto';

export type CardStatus = 'IsActive' | 'NotActive';

export interface EmulatedCard {
  cardId: string;
  /** Payture's mask, `411111xxxxxx1111`. */
  cardName: string;
  /** Recognises the same number added twice; the number itself is not kept. */
  panFingerprint: string;
  holder: string;
  expMonth: string;
  expYear: string;
  paymentSystem: string;
  status: CardStatus;
  noCvv: boolean;
  expired: boolean;
  addedAt: Date;
}

export interface EmulatedCustomer {
  login: string;
  password: string;
  phone?: string;
  email?: string;
  cards: EmulatedCard[];
}

export type SessionState = 'open' | 'completed' | 'failed';

export interface AddSession {
  sessionId: string;
  login: string;
  url?: string;
  orderId?: string;
  amount?: number;
  language?: string;
  expiresAt: Date;
  attemptsAllowed: number;
  attemptsUsed: number;
  state: SessionState;
  errCode?: string;
  cardId?: string;
}

/**
 * GetState's `State` values (charging.md, "Order state"; the list from Necronru/payture
 * `src/Enum/TransactionStatus.php`). Add sessions' verification orders use New, Voided and Rejected;
 * payments through Pay use New, PreAuthorized3DS, Charged, Refunded and Rejected.
 */
export type OrderState =
  'New' | 'PreAuthorized3DS' | 'Authorized' | 'Charged' | 'Voided' | 'Refunded' | 'Rejected' | 'Error';

/** The 3-D Secure step of a payment: the MD (ThreeDSKey) and PaReq sent, the PaRes the ACS issued. */
export interface ThreeDSecureStep {
  threeDSKey: string;
  paReq: string;
  /** Each PaRes the emulated bank issued for this step, and whether the customer passed. */
  issued: Map<string, boolean>;
}

/** What a payment made with Pay remembers beside its order. */
export interface OrderPayment {
  login: string;
  cardId: string;
  cardName: string;
  /** The amount Pay asked for, in kopecks; the order's `amount` is what is left after refunds. */
  charged: number;
  threeDSecure?: ThreeDSecureStep;
  errCode?: string;
}

export interface EmulatedOrder {
  orderId: string;
  /** The terminal (VWID) the order was made on: GetState answers only for that terminal's Key. */
  terminal: string;
  /** Kopecks: the verification amount, or what is left of a payment after refunds. */
  amount: number;
  state: OrderState;
  payment?: OrderPayment;
}

/** Payture keeps at most 20 cards per customer in GetList. */
export const MAX_LISTED_CARDS = 20;

export function panFingerprint(pan: string): string {
  return createHash('sha256').update(pan).digest('hex');
}

/** Everything the emulated Payture remembers: customers with their cards, Add sessions and orders. */
export class PaytureState {
  readonly customers = new Map<string, EmulatedCustomer>();
  readonly sessions = new Map<string, AddSession>();
  readonly orders = new Map<string, EmulatedOrder>();

  newSessionId(): string {
    return randomUUID();
  }

  newCardId(): string {
    return randomUUID();
  }

  /** The payment waiting for 3-D Secure whose MD (ThreeDSKey) this is. */
  orderByThreeDSKey(threeDSKey: string): EmulatedOrder | undefined {
    for (const order of this.orders.values()) {
      if (order.payment?.threeDSecure?.threeDSKey === threeDSKey) return order;
    }
    return undefined;
  }
}

/** A card as typed on the page or seeded: the number itself, which the stored card never keeps. */
export interface NewCard extends Omit<EmulatedCard, 'cardId' | 'cardName' | 'panFingerprint'> {
  pan: string;
}

/**
 * Stores a card for a customer. The same number twice is one card (the existing CardId is kept), which
 * is why a binding must recognise a card the customer already had.
 */
export function addCardTo(customer: EmulatedCustomer, card: NewCard, newCardId: () => string): EmulatedCard {
  const fingerprint = panFingerprint(card.pan);
  const existing = customer.cards.find((item) => item.panFingerprint === fingerprint);
  if (existing) return existing;
  const { pan, ...rest } = card;
  const stored: EmulatedCard = {
    ...rest,
    cardId: newCardId(),
    cardName: `${pan.slice(0, 6)}${'x'.repeat(Math.max(0, pan.length - 10))}${pan.slice(-4)}`,
    panFingerprint: fingerprint,
  };
  customer.cards.push(stored);
  return stored;
}
