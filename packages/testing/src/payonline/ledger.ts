import type { PayOnlineOperation } from './operations.js';

/** What the emulated PayOnline did with one OrderId's money: what tests assert "one debit" on. */
export interface PayOnlineOrderLedger {
  readonly orderId: string;
  /** Rebills that took effect (debits). A refused, declined or repeated one is none. */
  readonly debits: number;
  /** Their sum in cents, computed on the decimal strings. */
  readonly debitedCents: number;
  /** Voids that took effect on the order's payments. */
  readonly voids: number;
  readonly refunds: number;
  readonly refundedCents: number;
  /** The merchant accounts the debits went to (the routed card's goes to the routed account). */
  readonly merchantIds: readonly string[];
}

/** `1500.99` in cents, exactly (no floating point). */
export function toCents(amount: string): number {
  const [whole = '0', fraction = '00'] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** The ledger of one order, read off the operations that took effect. */
export function ledgerOf(operations: readonly PayOnlineOperation[], orderId: string): PayOnlineOrderLedger {
  const of = operations.filter((operation) => operation.orderId === orderId);
  const debits = of.filter((operation) => operation.kind === 'rebill');
  const refunds = of.filter((operation) => operation.kind === 'refund');
  const sum = (list: readonly PayOnlineOperation[]): number =>
    list.reduce((total, operation) => total + toCents(operation.amount), 0);
  return {
    orderId,
    debits: debits.length,
    debitedCents: sum(debits),
    voids: of.filter((operation) => operation.kind === 'void').length,
    refunds: refunds.length,
    refundedCents: sum(refunds),
    merchantIds: [...new Set(debits.map((operation) => operation.merchantId))],
  };
}
