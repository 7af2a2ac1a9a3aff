/**
 * The emulated ToyPay's books: sessions, the cards it holds for each customer, and charge orders.
 * Card numbers are kept only to decide how a charge on a card goes (its magic number).
 */
export interface Session {
  id: string;
  customerReference: string;
  returnUrl?: string;
  status: 'open' | 'succeeded' | 'declined' | 'expired';
  expiresAt: Date;
  declineCode?: string;
  card?: {
    token: string;
    bin: string;
    last4: string;
    brand: string;
    exp_month: number;
    exp_year: number;
    holder: string;
  };
}

export interface Order {
  status: 'succeeded' | 'declined';
  declineCode?: string;
  /** Minor units. */
  amount: number;
  currency: string;
  refunded: number;
}

export class ToyPayState {
  readonly sessions = new Map<string, Session>();
  /** Session creation's Idempotency-Key → the session it created. */
  readonly byIdempotencyKey = new Map<string, string>();
  /** Tokens ToyPay holds, by customer reference: what "saved at the provider" means here. */
  readonly cards = new Map<string, Set<string>>();
  /** The number behind each token ToyPay holds: what decides how a charge on it goes. */
  readonly numbers = new Map<string, string>();
  readonly orders = new Map<string, Order>();
  /** Refunds by refund_id, with the answer a repeat gets. */
  readonly refunds = new Map<string, { orderId: string; answer: Record<string, unknown> }>();
  /** Orders whose every charge request debits and then loses its answer. */
  readonly losingAnswers = new Set<string>();

  /** The session as of now: an open one past its lifetime is expired. */
  current(session: Session): Session {
    if (session.status === 'open' && session.expiresAt.getTime() <= Date.now()) session.status = 'expired';
    return session;
  }

  hold(customerReference: string, token: string, number: string): void {
    const held = this.cards.get(customerReference) ?? new Set<string>();
    held.add(token);
    this.cards.set(customerReference, held);
    this.numbers.set(token, number);
  }

  /** Forgets a card; false when ToyPay holds no such token. */
  deleteCard(token: string): boolean {
    for (const held of this.cards.values()) {
      if (held.delete(token)) {
        this.numbers.delete(token);
        return true;
      }
    }
    return false;
  }
}
