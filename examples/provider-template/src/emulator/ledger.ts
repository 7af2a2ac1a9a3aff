/** Money that moved at the emulated ToyPay, one entry per debit or refund. */
export interface LedgerEntry {
  readonly kind: 'debit' | 'refund';
  readonly orderId: string;
  /** Minor units. */
  readonly amount: number;
  readonly currency: string;
}

/**
 * What tests count money with: never the provider's answers or the service's records, which a lost
 * answer makes wrong.
 */
export class ToyPayLedger {
  readonly entries: LedgerEntry[] = [];

  record(entry: LedgerEntry): void {
    this.entries.push(entry);
  }

  /** The order id of every debit, one entry per debit. */
  debits(): string[] {
    return this.entries.filter((entry) => entry.kind === 'debit').map((entry) => entry.orderId);
  }
}
