import { z } from 'zod';
import { Digits as TransactionId } from './answer.js';

/**
 * What PayOnline's provider remembers about a binding (stored by the service as the binding's opaque
 * providerRef). Never the private key or card data. `rebillAnchor` is a card token reported by the app
 * or PayOnline's own 3-DS answer; it is used only once Search confirms a successful payment with
 * `anchorTransactionId` for this order.
 */
export const PayOnlineRef = z.object({
  orderId: z.string().min(1).max(50),
  /** The payment's TransactionId, once a callback, a 3-DS return or Search named it. */
  transactionId: TransactionId.optional(),
  rebillAnchor: z.string().min(1).max(200).optional(),
  anchorTransactionId: TransactionId.optional(),
  /** Display only (first 6 / last 4 at most), from the app's report. */
  maskedPan: z.string().max(32).optional(),
});
export type PayOnlineRef = z.infer<typeof PayOnlineRef>;
