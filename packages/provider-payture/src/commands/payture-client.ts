import { CardBindingError, type HttpClient, type Logger, type Secret, silentLogger } from '@cardbind/core';
import { z } from 'zod';
import { readKopecks } from '../charging/charge-amount.js';
import { isErrCode, paytureError } from '../errors/codes.js';
import {
  type PaymentAnswer,
  parseAnswer,
  parsePaymentAnswer,
  type PaytureAnswer,
  type RawResponse,
  readAttributes,
} from '../wire/answer.js';
import { PaytureCard } from '../wire/payture-card.js';
import { type DataValue, encodeData, type PaytureCommand, sentKeys } from '../wire/request.js';
import type { CustomerCredentials } from './customer-credentials.js';

export interface PaytureClientOptions {
  baseUrl: string;
  /** VWID of the Add terminal. */
  addTerminal: string;
  /** The Add terminal's password: only Delete needs it. */
  terminalPassword?: Secret;
  /** VWID of the Pay terminal: Pay and Refund need it (Payture issues it apart from the Add terminal). */
  payTerminal?: string;
  /** The Pay terminal's password: only Refund needs it. */
  payTerminalPassword?: Secret;
  http: HttpClient;
  logger?: Logger;
}

export interface CustomerContact {
  phone?: string;
  email?: string;
}

export interface InitAddSessionInput {
  credentials: CustomerCredentials;
  ip: string;
  /** Return URL with Payture's `{orderid}` and `{success}` placeholders. */
  url?: string;
  templateTag?: string;
  language?: 'RU' | 'EN';
  orderId?: string;
  /** Verification hold in kopecks. */
  amount?: number;
}

const Count = z
  .string()
  .optional()
  .transform((value) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined));

const InitAnswer = z.object({
  // Goes into the redirect URL: only the characters a session id is made of.
  SessionId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/),
  SessionLifeTime: Count,
  AttemptsCount: Count,
  OrderId: z.string().optional(),
  Amount: z.string().optional(),
});
export type InitAddSessionResult = {
  sessionId: string;
  sessionLifetimeMinutes?: number;
  attemptsCount?: number;
  orderId?: string;
};

export interface CardList {
  cards: PaytureCard[];
  /** Items without the attributes a card needs; logged, never guessed at. */
  unreadable: number;
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
 * A typed vwapi client, one method per command, on both of Payture's terminals: the Add terminal's
 * commands bind cards, the Pay terminal's charge them. Each sends one POST through the HttpClient
 * (with the command's name, which transcripts and spans show as `cardbind.command`) and returns
 * parsed data or throws CardBindingError. Reads and idempotent commands are marked safe to retry;
 * Init, Pay, PaySubmit3DS and Refund never are (a second Pay could be a second debit; a lost answer
 * is settled by GetState: charging.md, "Rules any charging design must keep").
 */
export class PaytureClient {
  readonly #options: PaytureClientOptions;
  readonly #logger: Logger;

  constructor(options: PaytureClientOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Whether Pay and GetState can be sent: a Pay terminal is configured. */
  get hasPayTerminal(): boolean {
    return this.#options.payTerminal !== undefined;
  }

  /** Whether Refund can be sent: the Pay terminal and its password are configured. */
  get canRefund(): boolean {
    return this.hasPayTerminal && this.#options.payTerminalPassword !== undefined;
  }

  // --- The Add terminal: customers and their cards -------------------------------------------------

  /** Whether the customer exists (Check). */
  async check(credentials: CustomerCredentials): Promise<boolean> {
    const answer = await this.#addTerminalCall('Check', credentialFields(credentials), true);
    if (answer.success) return true;
    if (isErrCode(answer.errCode, 'CUSTOMER_NOT_FOUND')) return false;
    throw paytureError(answer.errCode, 'Check');
  }

  /**
   * Registers the customer. DUPLICATE_CUSTOMER (or DUPLICATE_USER) counts as success, which also makes
   * a repeated Register harmless and so safe to retry.
   */
  async register(credentials: CustomerCredentials, contact: CustomerContact = {}): Promise<void> {
    const phone = contact.phone?.replace(/\D/g, '');
    const answer = await this.#addTerminalCall(
      'Register',
      {
        ...credentialFields(credentials),
        PhoneNumber: phone === '' ? undefined : phone,
        Email: contact.email,
      },
      true,
    );
    if (answer.success) return;
    if (isErrCode(answer.errCode, 'DUPLICATE_CUSTOMER')) return;
    throw paytureError(answer.errCode, 'Register');
  }

  /** Check → Register when not found: Behind-API's way of making sure the customer exists. */
  async ensureCustomer(credentials: CustomerCredentials, contact: CustomerContact = {}): Promise<void> {
    if (await this.check(credentials)) return;
    await this.register(credentials, contact);
  }

  /** The customer's cards (GetList): zero, one or many; removed and expired ones are left out by Payture. */
  async getList(credentials: CustomerCredentials): Promise<CardList> {
    const answer = await this.#addTerminalCall('GetList', credentialFields(credentials), true);
    if (!answer.success) throw paytureError(answer.errCode, 'GetList');
    const cards: PaytureCard[] = [];
    let unreadable = 0;
    for (const item of answer.items) {
      const card = PaytureCard.safeParse(item);
      if (card.success) cards.push(card.data);
      else unreadable++;
    }
    if (unreadable > 0) {
      this.#logger.warn(
        { provider: 'payture', command: 'GetList', unreadable },
        'Payture listed cards without the attributes a card needs; they were left out',
      );
    }
    return { cards, unreadable };
  }

  /** Opens a hosted Add session (Init with SessionType=Add). Never retried: it creates a session. */
  async initAddSession(input: InitAddSessionInput): Promise<InitAddSessionResult> {
    const answer = await this.#addTerminalCall(
      'Init',
      {
        SessionType: 'Add',
        ...credentialFields(input.credentials),
        IP: input.ip,
        Url: input.url,
        TemplateTag: input.templateTag,
        Language: input.language,
        OrderId: input.orderId,
        Amount: input.amount,
      },
      false,
    );
    if (!answer.success) throw paytureError(answer.errCode, 'Init');
    const init = readAttributes('Init', InitAnswer, answer.attributes);
    return {
      sessionId: init.SessionId,
      ...(init.SessionLifeTime === undefined ? {} : { sessionLifetimeMinutes: init.SessionLifeTime }),
      ...(init.AttemptsCount === undefined ? {} : { attemptsCount: init.AttemptsCount }),
      ...(init.OrderId === undefined || init.OrderId === '' ? {} : { orderId: init.OrderId }),
    };
  }

  /**
   * Removes a card. A card (or customer) Payture no longer knows is already gone: that counts as done,
   * which makes Remove idempotent and so safe to retry.
   */
  async remove(credentials: CustomerCredentials, cardId: string): Promise<'removed' | 'already_gone'> {
    const answer = await this.#addTerminalCall(
      'Remove',
      { ...credentialFields(credentials), CardId: cardId },
      true,
    );
    if (answer.success) return 'removed';
    if (isErrCode(answer.errCode, 'CARD_NOT_FOUND') || isErrCode(answer.errCode, 'CUSTOMER_NOT_FOUND')) {
      return 'already_gone';
    }
    throw paytureError(answer.errCode, 'Remove');
  }

  /** Deletes the customer and all their cards at Payture (Delete, with the terminal password). */
  async deleteCustomer(login: string): Promise<'deleted' | 'already_gone'> {
    const password = this.#options.terminalPassword;
    if (!password) {
      throw new CardBindingError('CONFIG_INVALID', 'Deleting a Payture customer needs terminalPassword', {
        field: 'terminalPassword',
      });
    }
    const answer = await this.#addTerminalCall('Delete', { VWUserLgn: login, Password: password }, true);
    if (answer.success) return 'deleted';
    if (isErrCode(answer.errCode, 'CUSTOMER_NOT_FOUND')) return 'already_gone';
    throw paytureError(answer.errCode, 'Delete');
  }

  // --- The Pay terminal: charges ------------------------------------------------------------------

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
    const response = await this.#post(
      'Pay',
      { VWID: this.#payTerminal('Pay'), DATA: encodeData(fields) },
      { safeToRetry: false, dataKeys: sentKeys(fields) },
    );
    return parsePaymentAnswer('Pay', response);
  }

  /**
   * `vwapi/PaySubmit3DS` with top-level `MD` and `PaRes` (charging.md, "3-D Secure on Pay"; the Go
   * SDK's `3DS.go` sends exactly these two). Its answer is Pay's: either element name is read.
   */
  async submit3DS(input: { md: string; paRes: string }): Promise<PaymentAnswer> {
    const response = await this.#post(
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
    const response = await this.#post(
      'GetState',
      { Key: this.#payTerminal('GetState'), OrderId: orderId },
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
    const response = await this.#post(
      'Refund',
      { VWID: this.#payTerminal('Refund'), DATA: encodeData(fields) },
      { safeToRetry: false, dataKeys: sentKeys(fields) },
    );
    const answer = parseAnswer('Refund', response);
    if (!answer.success) return { success: false, errCode: answer.errCode };
    const newAmount = readKopecks(answer.attributes['NewAmount']);
    return newAmount === undefined ? { success: true } : { success: true, newAmount };
  }

  // ------------------------------------------------------------------------------------------------

  /** The Pay terminal's VWID; the charging code checks `hasPayTerminal` first, so this only guards. */
  #payTerminal(command: PaytureCommand): string {
    const terminal = this.#options.payTerminal;
    if (terminal === undefined) {
      throw new CardBindingError('NOT_SUPPORTED', `Payture ${command} needs payTerminal`, {
        field: 'payTerminal',
        retryable: false,
      });
    }
    return terminal;
  }

  async #addTerminalCall(
    command: PaytureCommand,
    fields: Readonly<Record<string, DataValue>>,
    safeToRetry: boolean,
  ): Promise<PaytureAnswer> {
    // The DATA string carries passwords: it exists only inside this call and the request body.
    const response = await this.#post(
      command,
      { VWID: this.#options.addTerminal, DATA: encodeData(fields) },
      { safeToRetry, dataKeys: sentKeys(fields) },
    );
    return parseAnswer(command, response);
  }

  /**
   * POSTs one vwapi command as a form (`application/x-www-form-urlencoded`, payture.md "Transport").
   * The debug line names the fields sent, never their values: DATA and the 3-D Secure fields hold
   * passwords, card tokens and PaRes. Only commands marked safe are ever repeated by the HTTP client.
   */
  async #post(
    command: PaytureCommand,
    form: Record<string, string>,
    options: { safeToRetry: boolean; dataKeys?: readonly string[] },
  ): Promise<RawResponse> {
    this.#logger.debug(
      {
        provider: 'payture',
        command,
        formKeys: Object.keys(form),
        ...(options.dataKeys === undefined ? {} : { dataKeys: options.dataKeys }),
      },
      `payture ${command}`,
    );
    return this.#options.http.request({
      method: 'POST',
      url: `${this.#options.baseUrl}/vwapi/${command}`,
      form,
      safeToRetry: options.safeToRetry,
      command,
    });
  }
}

function credentialFields(credentials: CustomerCredentials): Record<string, DataValue> {
  return { VWUserLgn: credentials.login, VWUserPsw: credentials.password };
}
