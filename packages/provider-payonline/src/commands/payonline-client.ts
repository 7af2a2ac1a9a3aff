import { CardBindingError, type HttpClient, type HttpResponse } from '@cardbind/core';
import type { PayOnlineConfig } from '../config.js';
import { errorForCodes } from '../errors/codes.js';
import {
  type AuthOutcome,
  interpretAuthAnswer,
  type OperationAnswer,
  readOperationAnswer,
  requireHttpOk,
} from '../wire/answer.js';
import { endpoint, type PayOnlineMethod } from '../wire/endpoints.js';
import type { HtmlForm } from '../wire/html.js';
import { rebillParams, type RebillOrder } from '../wire/rebill-params.js';
import { type FoundPayment, readSearchAnswer } from '../wire/search-answer.js';
import { refundSecurityKey, searchSecurityKey, voidSecurityKey } from '../wire/security-key.js';
import { mainAccount, type MerchantAccount } from './merchant-account.js';

/** The methods the host calls itself: all but Auth, which the customer's app posts. */
type HostMethod = Exclude<PayOnlineMethod, 'auth'>;

export type RefundAnswer =
  | { readonly kind: 'refunded' }
  /** PayOnline said no: the money did not move. `code` when the answer gave one. */
  | { readonly kind: 'refused'; readonly code?: string };

/**
 * A typed client for the PayOnline methods the host calls itself, one method per API method: each
 * signs its request, sends one POST through the HttpClient (with the method's name, which transcripts
 * and spans show as `cardbind.command`) and returns the parsed answer or throws CardBindingError.
 * Every request asks for `ContentType=text`: it is what core's transcript redaction reads field by
 * field. Only Search is safe to repeat; Rebill, Void, Refund and the 3-DS completion are sent once.
 * (Auth is posted by the customer's app, never by the host: `wire/form-params.ts` builds its params.)
 */
export class PayOnlineClient {
  readonly #config: PayOnlineConfig;
  readonly #http: HttpClient;
  readonly #urls: Readonly<Record<HostMethod, string>>;

  constructor(config: PayOnlineConfig, http: HttpClient) {
    this.#config = config;
    this.#http = http;
    this.#urls = {
      auth3ds: endpoint(config, 'auth3ds'),
      search: endpoint(config, 'search'),
      void: endpoint(config, 'void'),
      rebill: endpoint(config, 'rebill'),
      refund: endpoint(config, 'refund'),
    };
  }

  /**
   * The successful payments PayOnline knows for an order. An empty list means "nothing successful yet":
   * PayOnline answers a decline the same way, so only a callback, a confirmed report or the deadline can
   * end such an order. `account` is the merchant account to ask (default: the configured one).
   */
  async search(
    orderId: string,
    account: MerchantAccount = mainAccount(this.#config),
  ): Promise<FoundPayment[]> {
    const { merchantId } = account;
    const response = await this.#post(
      'search',
      {
        MerchantId: merchantId,
        OrderId: orderId,
        SecurityKey: searchSecurityKey({ merchantId, orderId }, account.privateSecurityKey),
        ContentType: 'text',
      },
      true,
    );
    // A 4xx page with an empty body must not read as "nothing found".
    requireHttpOk(response.statusCode, 'Search');
    return readSearchAnswer(response.body);
  }

  /**
   * Cancels a payment: the binding's verification payment or a charge (Void works within 24 hours of a
   * Pending or PreAuthorized payment). Resolves when PayOnline answers `Result=Ok`; throws a
   * CardBindingError otherwise (`VOID_ERROR` when PayOnline refused it). `account` is the merchant
   * account the payment belongs to (default: the configured one).
   */
  async voidTransaction(
    transactionId: string,
    account: MerchantAccount = mainAccount(this.#config),
  ): Promise<void> {
    const { merchantId } = account;
    const response = await this.#post('void', {
      MerchantId: merchantId,
      TransactionId: transactionId,
      SecurityKey: voidSecurityKey({ merchantId, transactionId }, account.privateSecurityKey),
      ContentType: 'text',
    });
    requireHttpOk(response.statusCode, 'Void');
    const answer = readOperationAnswer(response.body, 'Void answer');
    if (answer.kind === 'format-error') throw errorForCodes({ code: answer.error.code });
    if (answer.answer.result !== 'ok') {
      // Void answers carry a free-text Message and no code; the text stays out of the error.
      throw new CardBindingError('PROVIDER_REJECTED', 'PayOnline did not void the payment', {
        providerCode: 'VOID_ERROR',
      });
    }
  }

  /**
   * Sends the Rebill once: a second request could be a second debit. A timeout, a 5xx, a non-200
   * status or an unreadable body throws PROVIDER_UNAVAILABLE, and the charge stays `processing` until
   * Search settles it.
   */
  async rebill(order: RebillOrder): Promise<OperationAnswer> {
    const params = rebillParams(this.#config, order, 'text');
    const form: Record<string, string> = {};
    for (const param of params) form[param.name] = param.value;
    const response = await this.#post('rebill', form);
    requireHttpOk(response.statusCode, 'Rebill');
    return readOperationAnswer(response.body, 'Rebill answer');
  }

  /**
   * PayOnline's Refund (charging.md, "Refund"): only a `Settled` payment; `Amount` is mandatory and the
   * call repeatable until the full amount; key MD5 of `MerchantId&TransactionId&Amount&PrivateSecurityKey`;
   * answer `TransactionId&Operation=Refund&Amount&Result&Message=Refunded`. Sent once: a repeated Refund
   * would refund twice. A timeout, a non-200 status or an unreadable answer throws PROVIDER_UNAVAILABLE,
   * and the refund stays `processing`.
   */
  async refund(
    account: MerchantAccount,
    payment: { readonly transactionId: string; readonly amount: string },
  ): Promise<RefundAnswer> {
    const { merchantId } = account;
    const response = await this.#post('refund', {
      MerchantId: merchantId,
      TransactionId: payment.transactionId,
      Amount: payment.amount,
      SecurityKey: refundSecurityKey(
        { merchantId, transactionId: payment.transactionId, amount: payment.amount },
        account.privateSecurityKey,
      ),
      ContentType: 'text',
    });
    requireHttpOk(response.statusCode, 'Refund');
    const answer = readOperationAnswer(response.body, 'Refund answer');
    // A refusal of the request itself (`Code=..&Message=..`): nothing was processed.
    if (answer.kind === 'format-error') return { kind: 'refused', code: answer.error.code };
    if (answer.answer.result === 'ok') return { kind: 'refunded' };
    // Like Void's, a refused Refund carries a free-text Message; its text stays out of any error.
    return { kind: 'refused', ...(answer.answer.code === undefined ? {} : { code: answer.answer.code }) };
  }

  /**
   * Server mode's 3-D Secure completion: the signed completion form (`binding/three-ds.ts`) posted by
   * the host itself, form-encoded (base64 has `+` and `/`).
   */
  async completeThreeDs(form: HtmlForm): Promise<AuthOutcome> {
    const response = await this.#post('auth3ds', { ...form.fields, ContentType: 'text' });
    requireHttpOk(response.statusCode, '3-DS completion');
    return interpretAuthAnswer(readOperationAnswer(response.body, '3-DS answer'), '3-DS answer');
  }

  #post(method: HostMethod, form: Record<string, string>, safeToRetry = false): Promise<HttpResponse> {
    return this.#http.request({
      method: 'POST',
      url: this.#urls[method],
      form,
      safeToRetry,
      command: method,
    });
  }
}
