import { randomBytes } from 'node:crypto';
import type { ChargeBehaviour } from './magic-cards.js';

/**
 * The emulator's books: transactions by id, each tied to the merchant's OrderId. `Processing` is the
 * emulator's own state for an accepted order that has not closed yet (PayOnline shows nothing for it).
 */
export type EmulatedStatus =
  'Processing' | 'Awaiting3DAuthentication' | 'Pending' | 'PreAuthorized' | 'Settled' | 'Declined' | 'Voided';

/**
 * The status of an approved payment: `Pending` for PayOnline's default "direct" payments, `PreAuthorized`
 * for merchants set up for payments with preliminary authorization, which Complete then confirms
 * (PayOnline's API doc, "Types of payments" and "Complete method").
 */
export type ApprovedStatus = 'Pending' | 'PreAuthorized';

export interface ThreeDsSession {
  readonly paReq: string;
  readonly pd: string;
  /** PaRes values the ACS issued, and whether each says the payer passed. */
  readonly issued: Map<string, boolean>;
}

export interface EmulatedTransaction {
  readonly id: string;
  /** The merchant account the payment belongs to: its id and key sign every later operation on it. */
  readonly merchantId: string;
  readonly orderId: string;
  readonly operation: 'Auth' | 'Rebill';
  amount: string;
  readonly currency: string;
  status: EmulatedStatus;
  /** 200 when paid, else the refusal's Code. */
  code: string;
  errorCode?: string;
  rebillAnchor?: string;
  /** When a `Processing` order closes; undefined while it never will. */
  closeAt?: Date;
  dateTime: Date;
  /** `************1111`, as PayOnline's callbacks show it. */
  readonly maskedNumber: string;
  readonly holder: string;
  readonly country: string;
  /** Fields the merchant added to Auth; PayOnline echoes them in callbacks. */
  readonly customFields: Readonly<Record<string, string>>;
  threeDs?: ThreeDsSession;
  /** The final 3DS answer, replayed if the merchant posts the same completion twice. */
  finalAnswer?: string;
  /** A bound card's: what a Rebill on its RebillAnchor does (magic-cards.ts, by the card number). */
  chargeBehaviour?: ChargeBehaviour;
  /** Refunded so far, in cents (Refund is repeatable up to the full amount). */
  refundedCents?: number;
}

/** PayOnline shows these to Search: successful payments only (design/payonline.md, "Search"). */
export const SUCCESSFUL_STATUSES: ReadonlySet<EmulatedStatus> = new Set([
  'Pending',
  'PreAuthorized',
  'Settled',
]);

/**
 * Base64 that starts with `+/+/`, so every PaReq, PD and PaRes exercises form encoding: a client that
 * sends them raw (as one public SDK does) corrupts them and is caught.
 */
export function awkwardBase64(randomByteCount = 24): string {
  return Buffer.concat([Buffer.from([0xfb, 0xff, 0xbf]), randomBytes(randomByteCount)]).toString('base64');
}

/** A RebillAnchor shaped like the recorded one (`zayr9g0pAftxg-z4.RKugb8kJ3VZGydSLT6y71R5PpE=`). */
export function newRebillAnchor(): string {
  const text = randomBytes(32).toString('base64url');
  return `${text.slice(0, 16)}.${text.slice(16, 42)}=`;
}

export class EmulatorState {
  #nextId = 5_923_441;
  readonly #transactions = new Map<string, EmulatedTransaction>();

  add(input: Omit<EmulatedTransaction, 'id'>): EmulatedTransaction {
    const transaction: EmulatedTransaction = { ...input, id: String(this.#nextId++) };
    this.#transactions.set(transaction.id, transaction);
    return transaction;
  }

  get(id: string): EmulatedTransaction | undefined {
    return this.#transactions.get(id);
  }

  /** A transaction of this merchant account, or undefined (PayOnline's 4029 for any other). */
  owned(id: string, merchantId: string): EmulatedTransaction | undefined {
    const transaction = this.#transactions.get(id);
    return transaction?.merchantId === merchantId ? transaction : undefined;
  }

  all(): EmulatedTransaction[] {
    return [...this.#transactions.values()];
  }

  byOrder(orderId: string): EmulatedTransaction[] {
    return this.all().filter((transaction) => transaction.orderId === orderId);
  }

  /** The payment that issued the anchor (a Rebill carries its card's anchor too, but is not its source). */
  byAnchor(anchor: string): EmulatedTransaction | undefined {
    return this.all().find(
      (transaction) => transaction.operation === 'Auth' && transaction.rebillAnchor === anchor,
    );
  }

  byPaReq(paReq: string): EmulatedTransaction | undefined {
    return this.all().find((transaction) => transaction.threeDs?.paReq === paReq);
  }

  /** A successful payment (or a voided one: the order was paid) for the order, if any. */
  paidFor(orderId: string): EmulatedTransaction | undefined {
    return this.byOrder(orderId).find(
      (transaction) => SUCCESSFUL_STATUSES.has(transaction.status) || transaction.status === 'Voided',
    );
  }

  /** Processing orders whose close time has passed, closed now as paid. */
  closeDue(now: Date, approved: ApprovedStatus): EmulatedTransaction[] {
    const closed: EmulatedTransaction[] = [];
    for (const transaction of this.#transactions.values()) {
      if (transaction.status !== 'Processing' || !transaction.closeAt) continue;
      if (transaction.closeAt.getTime() > now.getTime()) continue;
      transaction.status = approved;
      transaction.code = '200';
      transaction.rebillAnchor = newRebillAnchor();
      transaction.dateTime = now;
      closed.push(transaction);
    }
    return closed;
  }
}
