/**
 * What took effect at the emulated PayOnline, one record per operation: a payment approved (`auth`, at
 * Auth, its 3-DS completion or a slow order's close), a `rebill` charged (a debit), a `void`, a
 * `complete` or a `refund` done.
 * A refused, faulted or repeated request is none, so tests can assert "exactly one void" where
 * `requestsTo('void')` also counts the retries and the refusals.
 */
export type PayOnlineOperationKind = 'auth' | 'rebill' | 'void' | 'complete' | 'refund';

export interface PayOnlineOperation {
  readonly kind: PayOnlineOperationKind;
  readonly transactionId: string;
  readonly orderId: string;
  /** The merchant account it took effect under. */
  readonly merchantId: string;
  /** The amount the operation moved or held, `1.00` (a refund: the amount refunded). */
  readonly amount: string;
  readonly at: Date;
}

export class PayOnlineOperationLog {
  readonly records: PayOnlineOperation[] = [];

  record(operation: PayOnlineOperation): void {
    this.records.push(operation);
  }

  count(kind: PayOnlineOperationKind): number {
    return this.records.filter((operation) => operation.kind === kind).length;
  }
}
