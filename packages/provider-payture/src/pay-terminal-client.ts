import { CardBindingError, type HttpClient, type Logger, type Secret } from '@cardbind/core';
import { z } from 'zod';
import { readKopecks } from './charge-amount.js';
import type { CustomerCredentials } from './customer-credentials.js';
import { isErrCode, paytureError } from './errors.js';
import { postVwapi, type VwapiTransport } from './vwapi-call.js';
import { encodeData, type PaymentAnswer, parseAnswer, parsePaymentAnswer, readAttributes } from './wire.js';

export interface PayTerminalClientOptions {
  baseUrl: string;
  /** VWID of the Pay terminal. */
  payTerminal: string;
  /** The Pay terminal's password: only Refund needs it. */
  payTerminalPassword?: Secret;
  http: HttpClient;
  logger: Logger;
}

export interface PayInput {
  credentials: CustomerCredentials;
  /** The bound card's CardId: a charge token, sent inside DATA only. */
  cardId: string;
  orderId: string;
  kopecks: string;
}

/** GetState's answer about an order: its state and what is left of its amount, or "no such order". */
export type PaytureOrderState =
  { found: true; state: string; amount?: number; errCode?: string } | { found: false; errCode: string };

const GetStateAnswer = z.object({
  State: z.string().trim().min(1),
  Amount: z.string().optional(),
  ErrCode: z.string().optional(),
});

/** Refund's answer: `NewAmount` is what is left of the payment (charging.md, "Refund"). */
export type RefundAnswer = { success: true; newAmount?: number } | { success: false; errCode: string };

/**
 * A typed vwapi client for the Pay terminal. Pay, PaySubmit3DS and Refund move money and are never
 * repeated by the HTTP client: a lost answer is settled by GetState, which is a read and safe to retry
 * (charging.md, "Rules any charging design must keep").
 */
export class PayTerminalClient {
  readonly #options: PayTerminalClientOptions;
  readonly #transport: VwapiTransport;

  constructor(options: PayTerminalClientOptions) {
    this.#options = options;
    this.#transport = { baseUrl: options.baseUrl, http: options.http, logger: options.logger };
  }

  get hasPassword(): boolean {
    return this.#options.payTerminalPassword !== undefined;
  }

  /**
   * `vwapi/Pay`, merchant side: VWID = the Pay terminal, DATA = VWUserLgn, VWUserPsw, CardId, OrderId,
   * Amount (kopecks), SessionType=Pay (one step) — charging.md, "Recurring payment, merchant side",
   * and the recorded request of droff `pay_recurring_success.yml`.
   */
  async pay(input: PayInput): Promise<PaymentAnswer> {
    const fields = {
      VWUserLgn: input.credentials.login,
      VWUserPsw: input.credentials.password,
      CardId: input.cardId,
      OrderId: input.orderId,
      Amount: input.kopecks,
      SessionType: 'Pay',
    };
    const response = await postVwapi(
      this.#transport,
      'Pay',
      { VWID: this.#options.payTerminal, DATA: encodeData(fields) },
      { safeToRetry: false, dataKeys: Object.keys(fields) },
    );
    return parsePaymentAnswer('Pay', response);
  }

  /**
   * `vwapi/PaySubmit3DS` with top-level `MD` and `PaRes` (charging.md, "3-D Secure on Pay"; the Go
   * SDK's `3DS.go` sends exactly these two). Its answer is Pay's: either element name is read.
   */
  async submit3DS(input: { md: string; paRes: string }): Promise<PaymentAnswer> {
    const response = await postVwapi(
      this.#transport,
      'PaySubmit3DS',
      { MD: input.md, PaRes: input.paRes },
      { safeToRetry: false },
    );
    return parsePaymentAnswer('PaySubmit3DS', response, ['PaySubmit3DS', 'Pay']);
  }

  /**
   * `vwapi/GetState` with `Key` = the Pay terminal (not VWID) and `OrderId`, top-level (charging.md,
   * "Order state"; the Go SDK's `OrderManager.go`). An unknown order is `Success="False"` with
   * ORDER_NOT_FOUND or ORDER_TIME_OUT; any other refusal is thrown.
   */
  async getState(orderId: string): Promise<PaytureOrderState> {
    const response = await postVwapi(
      this.#transport,
      'GetState',
      { Key: this.#options.payTerminal, OrderId: orderId },
      { safeToRetry: true },
    );
    const answer = parseAnswer('GetState', response);
    if (!answer.success) {
      if (isErrCode(answer.errCode, 'ORDER_NOT_FOUND') || isErrCode(answer.errCode, 'ORDER_TIME_OUT')) {
        return { found: false, errCode: answer.errCode };
      }
      throw paytureError(answer.errCode, 'GetState');
    }
    const state = readAttributes('GetState', GetStateAnswer, answer.attributes);
    const amount = readKopecks(state.Amount);
    const errCode = state.ErrCode?.trim();
    return {
      found: true,
      state: state.State,
      ...(amount === undefined ? {} : { amount }),
      ...(errCode === undefined || errCode === '' || errCode.toUpperCase() === 'NONE' ? {} : { errCode }),
    };
  }

  /**
   * `vwapi/Refund`: VWID = the Pay terminal, DATA = Password (the terminal's), OrderId, Amount
   * (charging.md, "Refund"; droff `refund_partial_success.yml`). Amount is always sent, so a refund
   * is never "everything" by accident.
   */
  async refund(input: { orderId: string; kopecks: string }): Promise<RefundAnswer> {
    const password = this.#options.payTerminalPassword;
    if (!password) {
      throw new CardBindingError('NOT_SUPPORTED', 'Payture refunds need payTerminalPassword', {
        field: 'payTerminalPassword',
      });
    }
    const fields = { Password: password, OrderId: input.orderId, Amount: input.kopecks };
    const response = await postVwapi(
      this.#transport,
      'Refund',
      { VWID: this.#options.payTerminal, DATA: encodeData(fields) },
      { safeToRetry: false, dataKeys: Object.keys(fields) },
    );
    const answer = parseAnswer('Refund', response);
    if (!answer.success) return { success: false, errCode: answer.errCode };
    const newAmount = readKopecks(answer.attributes['NewAmount']);
    return newAmount === undefined ? { success: true } : { success: true, newAmount };
  }
}
