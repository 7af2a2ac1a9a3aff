/**
 * What took effect at the emulated Payture, one record per operation (a refused or faulted request is
 * none): tests assert "exactly one" of a kind, which a count of requests cannot tell when a request
 * failed and was retried. Seeding through `customers` records nothing: it is no client's operation.
 */
export type PaytureOperationKind =
  | 'customer-registered'
  | 'customer-deleted'
  | 'session-opened'
  | 'card-added'
  | 'card-removed'
  | 'card-activated'
  /** The verification amount some Add terminals hold on the card (payture.md, "After the hosted page"). */
  | 'hold'
  /** That hold given back, which ends the order `Voided`. */
  | 'hold-released';

export interface PaytureOperation {
  readonly kind: PaytureOperationKind;
  readonly at: Date;
  readonly login?: string;
  readonly sessionId?: string;
  readonly orderId?: string;
  readonly cardId?: string;
  /** Kopecks, for a hold and its release. */
  readonly amount?: number;
}

export class PaytureOperationLog {
  readonly records: PaytureOperation[] = [];

  record(operation: PaytureOperation): void {
    this.records.push(operation);
  }

  count(kind: PaytureOperationKind): number {
    return this.records.filter((operation) => operation.kind === kind).length;
  }
}
