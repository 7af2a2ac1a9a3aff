import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultSwitchboard } from '../faults/fault-switchboard.js';
import { payOnlineSecurityKey } from './security-key.js';
import { type EmulatedTransaction, SUCCESSFUL_STATUSES } from './state.js';

/** One server-to-server callback the emulator tried to deliver. */
export interface CallbackDelivery {
  readonly transactionId: string;
  readonly orderId: string;
  readonly url: string | undefined;
  readonly fields: Readonly<Record<string, string>>;
  /** `dropped`: a fault ate it; `failed`: the host did not answer 200. */
  outcome: 'pending' | 'delivered' | 'failed' | 'dropped';
  /** The host's HTTP status, when it answered. */
  status?: number;
  /** Sent with a wrong SecurityKey (the `malformed`/`reject` fault on the `callback` route). */
  readonly forged: boolean;
}

/** `yyyy-MM-dd HH:mm:ss` in UTC, PayOnline's DateTime. */
export function payOnlineDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 19);
}

export interface CallbackSenderOptions {
  readonly privateKey: string;
  readonly faults: FaultSwitchboard;
  /** `https-only`: like PayOnline, leave RebillAnchor out of callbacks to a plain-http URL. */
  readonly anchorInCallbacks: 'always' | 'https-only';
}

/**
 * PayOnline's callbacks: a form POST to the merchant's CallbackUrl after every Auth, 3DS or Rebill
 * outcome, signed over `DateTime&TransactionID&OrderId&Amount&Currency`.
 */
export class CallbackSender {
  url: string | undefined;
  readonly deliveries: CallbackDelivery[] = [];
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly options: CallbackSenderOptions) {}

  fieldsFor(transaction: EmulatedTransaction, url: string | undefined): Record<string, string> {
    const signed = {
      DateTime: payOnlineDateTime(transaction.dateTime),
      TransactionID: transaction.id,
      OrderId: transaction.orderId,
      Amount: transaction.amount,
      Currency: transaction.currency,
    };
    const paid = SUCCESSFUL_STATUSES.has(transaction.status) || transaction.status === 'Voided';
    const withAnchor =
      paid &&
      transaction.rebillAnchor !== undefined &&
      (this.options.anchorInCallbacks === 'always' || url?.startsWith('https:') === true);
    return {
      ...transaction.customFields,
      ...signed,
      SecurityKey: payOnlineSecurityKey(Object.entries(signed), this.options.privateKey),
      PaymentAmount: transaction.amount,
      PaymentCurrency: transaction.currency,
      CardHolder: transaction.holder,
      CardNumber: transaction.maskedNumber,
      Country: transaction.country,
      BinCountry: transaction.country,
      Provider: 'Card',
      ...(withAnchor && transaction.rebillAnchor ? { RebillAnchor: transaction.rebillAnchor } : {}),
      ...(paid ? {} : { Code: transaction.code, ErrorCode: transaction.errorCode ?? '3' }),
    };
  }

  /** Starts delivering the transaction's callback; `settled()` waits for it. */
  send(transaction: EmulatedTransaction): CallbackDelivery {
    const url = this.url;
    const fault = this.options.faults.take('callback');
    const forged = fault?.kind === 'malformed' || fault?.kind === 'reject';
    const fields = this.fieldsFor(transaction, url);
    if (forged) fields['SecurityKey'] = '0'.repeat(32);
    const delivery: CallbackDelivery = {
      transactionId: transaction.id,
      orderId: transaction.orderId,
      url,
      fields,
      outcome: 'pending',
      forged,
    };
    this.deliveries.push(delivery);
    if (url === undefined || (fault && fault.kind !== 'delay' && !forged)) {
      delivery.outcome = 'dropped';
      return delivery;
    }
    const run = (async () => {
      if (fault?.kind === 'delay') await sleep(fault.ms);
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: new URLSearchParams(fields).toString(),
        });
        await response.text();
        delivery.status = response.status;
        delivery.outcome = response.status === 200 ? 'delivered' : 'failed';
      } catch {
        delivery.outcome = 'failed';
      }
    })();
    this.#pending.add(run);
    void run.finally(() => this.#pending.delete(run));
    return delivery;
  }

  /** Resolves when every delivery started so far has finished. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}
