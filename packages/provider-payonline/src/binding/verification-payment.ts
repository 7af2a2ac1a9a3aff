import { type Logger, type ProviderContext, type SavedCard, toCardBindingError } from '@cardbind/core';
import type { PayOnlineClient } from '../commands/payonline-client.js';
import type { PayOnlineConfig } from '../config.js';
import { PayOnlineRef } from '../ref.js';

/**
 * The 1.00 (`verificationAmount`) a binding holds on the card to prove it works: voided once the card
 * is saved, or once a binding that took it failed, unless `afterBinding: 'keep'` (LitRes's bookstore
 * credits it instead). Runs as core's durable background work after the binding's transition.
 */
export class VerificationPayment {
  readonly #config: PayOnlineConfig;
  readonly #client: PayOnlineClient;
  readonly #logger: Logger;

  constructor(config: PayOnlineConfig, client: PayOnlineClient, logger: Logger) {
    this.#config = config;
    this.#client = client;
    this.#logger = logger;
  }
  /** Voids the verification payment, retrying with backoff; never fails the binding. */
  async afterSuccess(ctx: ProviderContext & { readonly card: SavedCard }): Promise<void> {
    if (this.#config.afterBinding === 'keep') return;
    const ref = PayOnlineRef.safeParse(ctx.providerRef);
    const transactionId = ref.success ? ref.data.transactionId : undefined;
    if (transactionId === undefined) {
      this.#logger.warn(
        { event: 'payonline.void_skipped', bindingId: ctx.bindingId },
        'no TransactionId known: the verification payment was not voided',
      );
      return;
    }
    await this.#voidVerificationPayment(ctx, transactionId);
  }

  /**
   * A binding can fail or expire after PayOnline took the verification payment (the payment went
   * through but no card token arrived before the deadline): that money must not stay on hold. Search
   * lists only successful payments, so whatever it finds for the order is released.
   */
  async afterFailure(ctx: ProviderContext): Promise<void> {
    const ref = PayOnlineRef.safeParse(ctx.providerRef);
    if (!ref.success) return;
    const payments = await this.#client.search(ref.data.orderId);
    for (const payment of payments) {
      if (this.#config.afterBinding === 'keep') {
        this.#logger.warn(
          {
            event: 'payonline.payment_of_failed_binding',
            bindingId: ctx.bindingId,
            transactionId: payment.transactionId,
          },
          'the binding failed but PayOnline took the verification payment: credit or refund it',
        );
      } else {
        await this.#voidVerificationPayment(ctx, payment.transactionId);
      }
    }
  }

  /**
   * One void attempt; core's background work retries a failure with backoff until the 24-hour window
   * PayOnline allows is nearly over, and lists it for an operator after that. Repeating a void is
   * harmless: when PayOnline refuses one, Search tells whether the payment is still held (Search lists
   * only successful payments); one it no longer lists was already voided (by an attempt whose answer
   * was lost, or before a crash) or never went through, and counts as done.
   */
  async #voidVerificationPayment(ctx: ProviderContext, transactionId: string): Promise<void> {
    try {
      await this.#client.voidTransaction(transactionId);
      this.#logger.info(
        { event: 'payonline.voided', bindingId: ctx.bindingId, transactionId },
        'verification payment voided',
      );
      return;
    } catch (error) {
      const failure = toCardBindingError(error);
      if (failure.providerCode === 'VOID_ERROR' && !(await this.#stillHeld(ctx, transactionId))) {
        this.#logger.info(
          { event: 'payonline.void_already_done', bindingId: ctx.bindingId, transactionId },
          'the verification payment is no longer held: nothing to void',
        );
        return;
      }
      this.#logger.warn(
        {
          event: 'payonline.void_failed',
          bindingId: ctx.bindingId,
          transactionId,
          code: failure.code,
          providerCode: failure.providerCode,
          retryable: failure.retryable,
        },
        failure.retryable
          ? 'voiding the verification payment failed; it will be tried again'
          : 'PayOnline refused to void a payment it still holds: void or refund it by hand',
      );
      throw failure;
    }
  }

  /** Whether Search still lists the transaction as a successful payment of this binding's order. */
  async #stillHeld(ctx: ProviderContext, transactionId: string): Promise<boolean> {
    const ref = PayOnlineRef.safeParse(ctx.providerRef);
    if (!ref.success) return true;
    const payments = await this.#client.search(ref.data.orderId);
    return payments.some((payment) => payment.transactionId === transactionId);
  }

  // ---------------------------------------------------------------------------------------------
}
