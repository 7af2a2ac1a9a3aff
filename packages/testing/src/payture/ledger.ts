/**
 * The money that moved at the emulated Payture: one entry per debit (a Pay or a PaySubmit3DS that
 * charged the card) and per refund. Tests read it to prove "one charge request = at most one debit"
 * (charging.md, "Rules any charging design must keep"), which neither the answers nor a count of
 * requests can show when an answer was lost.
 */
export interface LedgerEntry {
  readonly kind: 'debit' | 'refund';
  readonly orderId: string;
  readonly cardId: string;
  /** Kopecks. */
  readonly amount: number;
  readonly at: Date;
}

/** How many entries of one kind an order has, and their sum in kopecks. */
export interface LedgerTotal {
  readonly count: number;
  readonly amount: number;
}

export class PaytureLedger {
  readonly entries: LedgerEntry[] = [];

  record(entry: LedgerEntry): void {
    this.entries.push(entry);
  }

  total(kind: LedgerEntry['kind'], orderId: string): LedgerTotal {
    const matching = this.entries.filter((entry) => entry.kind === kind && entry.orderId === orderId);
    return { count: matching.length, amount: matching.reduce((sum, entry) => sum + entry.amount, 0) };
  }
}
