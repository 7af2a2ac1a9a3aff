import { fateKey, type PaymentArms } from '../routes/support.js';
import type { AnswerFate, ChargeBehaviour } from '../magic-cards.js';
import type { OrderState, PaytureState } from '../state.js';

/** A payment made through Pay, as tests see it. */
export interface PaymentView {
  orderId: string;
  state: OrderState;
  /** Kopecks Pay asked for. */
  charged: number;
  /** Kopecks left after refunds (GetState's Amount). */
  left: number;
  login: string;
  cardId: string;
  errCode?: string;
  /** Whether Pay asked for 3-D Secure. */
  threeDSecure: boolean;
}

/** The commands whose answer a test can take away after they took effect. */
export type FatefulCommand = 'Pay' | 'PaySubmit3DS' | 'Refund';

export interface PayturePaymentControls {
  get(orderId: string): PaymentView | undefined;
  /** What Pay does for this order, whatever card it names (overrides the magic card table). */
  arm(orderId: string, behaviour: ChargeBehaviour): void;
  /** The next answer of `command` for this order, after its effect, is lost, a 502, or too slow. */
  armAnswer(command: FatefulCommand, orderId: string, fate: AnswerFate): void;
}

export function paymentControls(state: PaytureState, arms: PaymentArms): PayturePaymentControls {
  return {
    get(orderId) {
      const order = state.orders.get(orderId);
      const payment = order?.payment;
      if (!order || !payment) return undefined;
      return {
        orderId,
        state: order.state,
        charged: payment.charged,
        left: order.amount,
        login: payment.login,
        cardId: payment.cardId,
        threeDSecure: payment.threeDSecure !== undefined,
        ...(payment.errCode === undefined ? {} : { errCode: payment.errCode }),
      };
    },
    arm(orderId, behaviour) {
      arms.charges.set(orderId, behaviour);
    },
    armAnswer(command, orderId, fate) {
      arms.fates.set(fateKey(command, orderId), fate);
    },
  };
}
