import { CardBindingError, type HttpClient, type Logger, type Secret, silentLogger } from '@cardbind/core';
import { z } from 'zod';
import type { CustomerCredentials } from './customer-credentials.js';
import { isErrCode, paytureError } from './errors.js';
import { PaytureCard } from './payture-card.js';
import {
  type DataValue,
  encodeData,
  parseAnswer,
  type PaytureAnswer,
  type PaytureCommand,
  readAttributes,
} from './wire.js';
import { postVwapi } from './vwapi-call.js';

export interface PaytureClientOptions {
  baseUrl: string;
  /** VWID of the Add terminal. */
  addTerminal: string;
  terminalPassword?: Secret;
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

/**
 * A typed vwapi client for the Add terminal: each method sends one command and returns parsed data or
 * throws CardBindingError. Reads and idempotent commands are marked safe to retry; Init never is.
 */
export class PaytureClient {
  readonly #options: PaytureClientOptions;
  readonly #logger: Logger;

  constructor(options: PaytureClientOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Whether the customer exists (Check). */
  async check(credentials: CustomerCredentials): Promise<boolean> {
    const answer = await this.#call('Check', credentialFields(credentials), true);
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
    const answer = await this.#call(
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
    const answer = await this.#call('GetList', credentialFields(credentials), true);
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
    const answer = await this.#call(
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
    const answer = await this.#call('Remove', { ...credentialFields(credentials), CardId: cardId }, true);
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
    const answer = await this.#call('Delete', { VWUserLgn: login, Password: password }, true);
    if (answer.success) return 'deleted';
    if (isErrCode(answer.errCode, 'CUSTOMER_NOT_FOUND')) return 'already_gone';
    throw paytureError(answer.errCode, 'Delete');
  }

  async #call(
    command: PaytureCommand,
    fields: Record<string, DataValue>,
    safeToRetry: boolean,
  ): Promise<PaytureAnswer> {
    // The DATA string carries passwords: it exists only inside this call and the request body.
    const response = await postVwapi(
      { baseUrl: this.#options.baseUrl, http: this.#options.http, logger: this.#logger },
      command,
      { VWID: this.#options.addTerminal, DATA: encodeData(fields) },
      { safeToRetry, dataKeys: Object.keys(fields).filter((key) => fields[key] !== undefined) },
    );
    return parseAnswer(command, response);
  }
}

function credentialFields(credentials: CustomerCredentials): Record<string, DataValue> {
  return { VWUserLgn: credentials.login, VWUserPsw: credentials.password };
}
