import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Clock, passesLuhn, systemClock } from '@cardbind/core';
import { applyTransportFault } from '../faults/apply-transport-fault.js';
import { FaultSwitchboard } from '../faults/fault-switchboard.js';
import { readFields } from '../http/read-request.js';
import { startHttpServer } from '../http/start-http-server.js';
import { renderBankErrorPage, renderChallengePage, renderReturnToMerchantPage } from './acs-page.js';
import {
  type AnswerEntry,
  type AnswerFormat,
  answerFormatOf,
  FORMAT_ERROR_MESSAGES,
  writeAnswer,
  writeFormatError,
  writeMalformed,
  writeText,
  writeXml,
} from './answers.js';
import { CallbackSender, type CallbackDelivery, payOnlineDateTime } from './callbacks.js';
import { chargingRoutes } from './charging.js';
import { isIP } from 'node:net';
import { ledgerOf, type PayOnlineOrderLedger, toCents } from './ledger.js';
import { behaviourOf, chargeBehaviourOf } from './magic-cards.js';
import { type PayOnlineOperation, type PayOnlineOperationKind, PayOnlineOperationLog } from './operations.js';
import { SIGNED_FIELDS, signFields } from './security-key.js';
import {
  type ApprovedStatus,
  awkwardBase64,
  type EmulatedTransaction,
  EmulatorState,
  newRebillAnchor,
  SUCCESSFUL_STATUSES,
} from './state.js';

/** Routes of the fault switchboard. */
export type PayOnlineRoute =
  'auth' | 'auth3ds' | 'search' | 'void' | 'rebill' | 'refund' | 'complete' | 'acs' | 'callback';

/** A merchant account of the emulated PayOnline. */
export interface PayOnlineMerchantAccount {
  readonly merchantId: string;
  readonly privateSecurityKey: string;
}

export interface PayOnlineEmulatorOptions {
  merchantId?: string;
  privateSecurityKey?: string;
  /** Drives DateTime and slow orders; share a ManualClock with the host to run minutes in milliseconds. */
  clock?: Pick<Clock, 'now'>;
  /** Where server-to-server callbacks go (the merchant account's CallbackUrl). */
  callbackUrl?: string;
  /**
   * When the slow-close card's order closes, after Auth (default 30 s: orders close in 5–30 s, says
   * LitRes's form-params spec).
   */
  slowCloseMs?: number;
  /** The one-time code the emulated bank accepts (default `123456`). */
  otp?: string;
  /** RebillAnchor in callbacks: always (default), or like PayOnline, only to an https CallbackUrl. */
  anchorInCallbacks?: 'always' | 'https-only';
  /**
   * `direct` (default, PayOnline's default): an approved payment is `Pending`. `preauthorized`: it is
   * `PreAuthorized` until Complete confirms it (PayOnline's API doc, "Types of payments"; the recorded
   * Auth answers in node-payonline `tmp.txt` say `Status=PreAuthorized`).
   */
  paymentType?: 'direct' | 'preauthorized';
  /**
   * The second merchant account PayOnline routes the routed magic card's rebills to (default `2000`
   * with its own key). Operations on those payments must be signed with it (design/charging.md).
   */
  routedMerchant?: PayOnlineMerchantAccount;
  /** How long the slow-answer magic card's Rebill answer takes, in real time (default 10 s). */
  slowAnswerMs?: number;
  /**
   * `manual` (default): a rebill stays `Pending` until `settle(transactionId)`. `at-once`: it settles
   * right after its answer (which still says Pending), as if PayOnline's 24 h had passed: for suites
   * that refund in parts without driving settlement themselves.
   */
  settleRebills?: 'manual' | 'at-once';
  port?: number;
}

/** One request the emulator received. Holds card data, as a processor would: never print it. */
export interface EmulatorRequest {
  readonly route: PayOnlineRoute | 'unknown';
  readonly method: string;
  readonly path: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly contentType: string | undefined;
  readonly at: Date;
}

export interface PayOnlineEmulator {
  /** `http://127.0.0.1:{port}`: configure it as the provider's baseUrl (with loopback http allowed). */
  readonly baseUrl: string;
  /** The emulated bank's ACS page. */
  readonly acsUrl: string;
  readonly merchantId: string;
  readonly privateSecurityKey: string;
  /** The account the routed magic card's rebills go to: give it to the provider's merchantAccounts. */
  readonly routedMerchant: PayOnlineMerchantAccount;
  readonly otp: string;
  readonly faults: FaultSwitchboard;
  readonly requests: readonly EmulatorRequest[];
  readonly callbacks: readonly CallbackDelivery[];
  setCallbackUrl(url: string | undefined): void;
  transactions(): readonly EmulatedTransaction[];
  order(orderId: string): readonly EmulatedTransaction[];
  /** Requests seen on one route (refused, faulted and repeated ones included). */
  requestsTo(route: PayOnlineRoute): readonly EmulatorRequest[];
  /** Every operation that took effect, in order. */
  readonly operations: readonly PayOnlineOperation[];
  /** How many operations of one kind took effect: "exactly one void", "exactly one debit". */
  operationCount(kind: PayOnlineOperationKind): number;
  /** One order's debits, voids and refunds (count and amount) as they took effect. */
  ledger(orderId: string): PayOnlineOrderLedger;
  /**
   * Settles a `Pending` payment, as PayOnline does with direct payments within 24 h: from then on it
   * can be refunded and no longer voided. Throws for any other status.
   */
  settle(transactionId: string): void;
  /**
   * The next Rebill for this OrderId takes effect (the card is debited) and its answer is lost: the
   * connection is reset, or a gateway answers 502. Once, whatever card the anchor belongs to.
   */
  loseRebillAnswer(orderId: string, how?: 'reset' | 'bad-gateway'): void;
  /** Closes slow orders whose time has come (by the clock) and waits for their callbacks. */
  tick(): Promise<void>;
  /** Resolves when every callback started so far has been answered (or failed). */
  callbacksSettled(): Promise<void>;
  /** Sends a transaction's callback again (PayOnline may deliver one more than once). */
  resendCallback(transactionId: string): Promise<CallbackDelivery>;
  /** The Auth SecurityKey for an order, as the merchant must compute it. */
  authSecurityKey(order: { orderId: string; amount: string; currency: string }): string;
  /** Posts Auth params to the emulator itself, as an app would; returns the raw answer. */
  submitCard(params: Readonly<Record<string, string>>): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

const PATHS: Readonly<Record<string, PayOnlineRoute>> = {
  '/payment/transaction/auth/': 'auth',
  '/payment/transaction/auth/3ds/': 'auth3ds',
  '/payment/search/': 'search',
  '/payment/transaction/void/': 'void',
  '/payment/transaction/rebill/': 'rebill',
  '/payment/transaction/refund/': 'refund',
  '/payment/transaction/complete/': 'complete',
  '/acs/': 'acs',
  '/acs/confirm/': 'acs',
};

/** Browsers post the card straight to the processor: Auth and 3DS must answer cross-origin reads. */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
} as const;

const CONTENT_TYPES: Readonly<Record<AnswerFormat, string>> = {
  text: 'text/plain; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/**
 * A PayOnline emulator on 127.0.0.1: Auth (with magic cards), the 3-DS completion, Search, Void,
 * Rebill and Refund (charging.ts; a bound card's magic number decides its charges), a routed second
 * merchant account, an emulated bank ACS page, signed server-to-server callbacks, SecurityKey checks
 * on every request (a wrong key is Code 4024), CORS for browser clients and a fault switchboard per
 * route.
 */
export async function startPayOnlineEmulator(
  options: PayOnlineEmulatorOptions = {},
): Promise<PayOnlineEmulator> {
  const merchantId = options.merchantId ?? '1000';
  const privateKey = options.privateSecurityKey ?? 'b1f0c7e2-emulator-private-key-5d3a';
  const routedMerchant = options.routedMerchant ?? {
    merchantId: '2000',
    privateSecurityKey: '4d2e9a61-emulator-routed-key-77c1',
  };
  const keys = new Map([
    [routedMerchant.merchantId, routedMerchant.privateSecurityKey],
    [merchantId, privateKey],
  ]);
  const closing = new AbortController();
  const lostAnswers = new Map<string, 'reset' | 'bad-gateway'>();
  const clock = options.clock ?? systemClock;
  const slowCloseMs = options.slowCloseMs ?? 30_000;
  const otp = options.otp ?? '123456';
  const faults = new FaultSwitchboard();
  const state = new EmulatorState();
  const approved: ApprovedStatus = options.paymentType === 'preauthorized' ? 'PreAuthorized' : 'Pending';
  const operations = new PayOnlineOperationLog();
  const recordOperation = (
    kind: PayOnlineOperationKind,
    transaction: EmulatedTransaction,
    amount = transaction.amount,
  ): void =>
    operations.record({
      kind,
      transactionId: transaction.id,
      orderId: transaction.orderId,
      merchantId: transaction.merchantId,
      amount,
      at: clock.now(),
    });
  const requests: EmulatorRequest[] = [];
  const callbacks = new CallbackSender({
    privateKey,
    faults,
    anchorInCallbacks: options.anchorInCallbacks ?? 'always',
  });
  callbacks.url = options.callbackUrl;
  let baseUrl = '';

  const answer = (res: ServerResponse, format: AnswerFormat, body: string, cors = false): void => {
    res.writeHead(200, { 'content-type': CONTENT_TYPES[format], ...(cors ? CORS_HEADERS : {}) }).end(body);
  };
  const formatError = (res: ServerResponse, format: AnswerFormat, code: string, cors = false): void => {
    answer(res, format, writeFormatError(format, code, FORMAT_ERROR_MESSAGES[code] ?? 'Error'), cors);
  };
  const html = (res: ServerResponse, status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  };

  /** The merchant and the key; answers the refusal and returns false when either is wrong. */
  const authorised = (
    res: ServerResponse,
    format: AnswerFormat,
    fields: Record<string, string>,
    signed: readonly string[],
    cors = false,
  ): boolean => {
    const key = keys.get(fields['MerchantId'] ?? '');
    if (key === undefined) {
      formatError(res, format, '4027', cors);
      return false;
    }
    const expected = signFields(signed, fields, key);
    if ((fields['SecurityKey'] ?? '').toLowerCase() !== expected) {
      formatError(res, format, '4024', cors);
      return false;
    }
    return true;
  };

  const closeDueOrders = async (): Promise<void> => {
    const closed = state.closeDue(clock.now(), approved);
    for (const transaction of closed) {
      recordOperation('auth', transaction);
      callbacks.send(transaction);
    }
    if (closed.length > 0) await callbacks.settled();
  };

  const transactionAnswer = (transaction: EmulatedTransaction, format: AnswerFormat): string => {
    const entries: AnswerEntry[] = [
      { name: 'Id', value: transaction.id },
      { name: 'Operation', value: transaction.operation },
      { name: 'Result', value: transaction.status === 'Declined' ? 'Error' : 'Ok' },
      { name: 'Code', value: transaction.code },
      // The emulator's own Processing state looks like an accepted payment to the payer.
      { name: 'Status', value: transaction.status === 'Processing' ? 'Pending' : transaction.status },
      { name: 'ErrorCode', value: transaction.errorCode },
      {
        name: 'rebillAnchor',
        value: transaction.status === approved ? transaction.rebillAnchor : undefined,
      },
      { name: 'binCountry', value: transaction.country },
    ];
    return writeAnswer(format, entries);
  };

  const threeDsAnswer = (
    transaction: EmulatedTransaction,
    session: { paReq: string; pd: string },
    format: AnswerFormat,
  ): string => {
    if (format === 'xml') {
      // As in PayOnline's doc: errorCode twice (the 6001 echo, then the class), 3-DS data nested.
      return writeXml('transaction', [
        { name: 'Id', value: transaction.id },
        { name: 'Operation', value: 'Auth' },
        { name: 'Result', value: 'Error' },
        { name: 'Status', value: 'Awaiting3DAuthentication' },
        { name: 'Code', value: '6001' },
        { name: 'ErrorCode', value: '6001' },
        { name: 'ErrorCode', value: '4' },
        { name: 'PaReq', element: 'pareq', value: session.paReq, group: 'threedSecure' },
        { name: 'ACSUrl', element: 'acsurl', value: `${baseUrl}/acs/`, group: 'threedSecure' },
        { name: 'PD', element: 'pd', value: session.pd, group: 'threedSecure' },
        { name: 'binCountry', value: transaction.country },
      ]);
    }
    // As recorded (a public Python PayOnline client's comments hold a live 6001 answer):
    // `...&Code=6001&Status=Awaiting3DAuthentication&errorCode=4&pareq=...&acsurl=...&pd=...`, the
    // 3-DS keys in lower case and their base64 raw (writeText). The doc's own spelling (PaReq, ACSUrl,
    // ASCUrl, PD) differs: a client must match keys without case.
    return writeText([
      { name: 'Id', value: transaction.id },
      { name: 'Operation', value: 'Auth' },
      { name: 'Result', value: 'Error' },
      { name: 'Code', value: '6001' },
      { name: 'Status', value: 'Awaiting3DAuthentication' },
      { name: 'errorCode', value: '4' },
      { name: 'pareq', value: session.paReq },
      { name: 'acsurl', value: `${baseUrl}/acs/` },
      { name: 'pd', value: session.pd },
    ]);
  };

  const handleAuth = (res: ServerResponse, fields: Record<string, string>, format: AnswerFormat): void => {
    const signed =
      fields['OrderDescription'] === undefined
        ? SIGNED_FIELDS.auth
        : [...SIGNED_FIELDS.auth, 'OrderDescription'];
    if (!authorised(res, format, fields, signed, true)) return;
    const refuse = (code: string): void => formatError(res, format, code, true);
    const orderId = fields['OrderId'] ?? '';
    const amount = fields['Amount'] ?? '';
    const currency = fields['Currency'] ?? '';
    const number = fields['CardNumber'] ?? '';
    const expires = fields['CardExpDate'] ?? '';
    const email = fields['Email'] ?? '';
    const country = fields['Country'] ?? '';
    if (orderId === '' || orderId.length > 50) return refuse('4025');
    if (!/^\d+\.\d{2}$/.test(amount)) return refuse('4300');
    if (!/^[A-Z]{3}$/.test(currency)) return refuse('4026');
    // PayOnline's API doc, Auth parameters: "Ip — Customer's IP address. Mandatory", formatted
    // xxx.xxx.xxx.xxx; 4018 is its "Incorrect ipaddress". Whether PayOnline takes IPv6 is not documented:
    // the emulator takes any address Node reads as one.
    if (isIP(fields['Ip'] ?? '') === 0) return refuse('4018');
    if (!/^\d{13,19}$/.test(number) || !passesLuhn(number)) return refuse('4004');
    if (!/^[A-Za-z .'-]{1,100}$/.test(fields['CardHolderName'] ?? '')) return refuse('4005');
    const expiry = /^(0[1-9]|1[0-2])(\d{2})$/.exec(expires);
    if (!expiry) return refuse('4007');
    const now = clock.now();
    const expiryIndex = (2000 + Number(expiry[2])) * 12 + Number(expiry[1]) - 1;
    if (expiryIndex < now.getUTCFullYear() * 12 + now.getUTCMonth()) return refuse('4014');
    if (!/^\d{3,4}$/.test(fields['CardCvv'] ?? '')) return refuse('4006');
    if (email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email)) return refuse('4017');
    if (country !== '' && !/^[A-Za-z]{2}$/.test(country)) return refuse('4008');
    if (state.paidFor(orderId)) return refuse('4016');

    const behaviour = behaviourOf(number);
    const transaction = state.add({
      merchantId: fields['MerchantId'] ?? merchantId,
      orderId,
      operation: 'Auth',
      amount,
      currency,
      status: 'Processing',
      code: '200',
      dateTime: now,
      maskedNumber: `${'*'.repeat(12)}${number.slice(-4)}`,
      holder: fields['CardHolderName'] ?? '',
      country: country.toUpperCase() || 'RU',
      customFields: customFieldsOf(fields),
      chargeBehaviour: chargeBehaviourOf(number),
    });
    switch (behaviour.kind) {
      case 'success':
        transaction.status = approved;
        transaction.rebillAnchor = newRebillAnchor();
        recordOperation('auth', transaction);
        break;
      case 'decline':
        transaction.status = 'Declined';
        transaction.code = behaviour.code;
        transaction.errorCode = behaviour.errorCode;
        break;
      case 'three-ds': {
        transaction.status = 'Awaiting3DAuthentication';
        transaction.code = '6001';
        const session = {
          paReq: awkwardBase64(48),
          pd: awkwardBase64(24),
          issued: new Map<string, boolean>(),
        };
        transaction.threeDs = session;
        return answer(res, format, threeDsAnswer(transaction, session, format), true);
      }
      case 'slow':
        transaction.closeAt = new Date(now.getTime() + slowCloseMs);
        break;
      case 'stuck':
        break;
    }
    answer(res, format, transactionAnswer(transaction, format), true);
    if (transaction.status !== 'Processing') callbacks.send(transaction);
  };

  const handleAuth3ds = (res: ServerResponse, fields: Record<string, string>, format: AnswerFormat): void => {
    // The doc spells it PARes; PayOnline's own Android SDK sends PaRes.
    const paRes = fields['PARes'] ?? fields['PaRes'] ?? '';
    const signedFields = { ...fields, PARes: paRes };
    if (!authorised(res, format, signedFields, SIGNED_FIELDS.auth3ds, true)) return;
    const transaction = state.get(fields['TransactionId'] ?? '');
    const session = transaction?.threeDs;
    if (!transaction || !session) return formatError(res, format, '4029', true);
    if (transaction.finalAnswer !== undefined) return answer(res, format, transaction.finalAnswer, true);
    const passed = fields['PD'] === session.pd ? session.issued.get(paRes) : undefined;
    const now = clock.now();
    transaction.dateTime = now;
    if (passed === true) {
      transaction.status = approved;
      transaction.code = '200';
      transaction.rebillAnchor = newRebillAnchor();
      recordOperation('auth', transaction);
    } else {
      transaction.status = 'Declined';
      // A failed challenge is 6003; PaRes or PD that the bank never issued is 5410.
      transaction.code = passed === false ? '6003' : '5410';
      transaction.errorCode = '3';
    }
    transaction.finalAnswer = transactionAnswer(transaction, format);
    answer(res, format, transaction.finalAnswer, true);
    callbacks.send(transaction);
  };

  const handleSearch = (res: ServerResponse, fields: Record<string, string>, format: AnswerFormat): void => {
    const byOrder = fields['OrderId'] !== undefined;
    const signed = byOrder ? SIGNED_FIELDS.searchByOrder : SIGNED_FIELDS.searchByTransaction;
    if (!authorised(res, format, fields, signed)) return;
    const found = (
      byOrder ? state.byOrder(fields['OrderId'] ?? '') : [state.get(fields['TransactionId'] ?? '')]
    )
      .filter((transaction): transaction is EmulatedTransaction => transaction !== undefined)
      // Each account sees its own payments: a routed one is listed under the account it went to.
      .filter((transaction) => transaction.merchantId === fields['MerchantId'])
      .filter((transaction) => SUCCESSFUL_STATUSES.has(transaction.status));
    // Nothing successful: PayOnline answers an empty body (a decline looks the same).
    if (found.length === 0) return answer(res, format, '');
    const entriesOf = (transaction: EmulatedTransaction): AnswerEntry[] => [
      { name: 'TransactionId', element: 'id', value: transaction.id },
      { name: 'Amount', value: transaction.amount },
      { name: 'Currency', value: transaction.currency },
      { name: 'Order', element: 'orderId', value: transaction.orderId },
      { name: 'DateTime', value: payOnlineDateTime(transaction.dateTime) },
      { name: 'Status', value: transaction.status },
    ];
    if (format === 'text')
      return answer(res, format, found.map((transaction) => writeText(entriesOf(transaction))).join('\n'));
    const [only] = found;
    if (found.length === 1 && only) return answer(res, format, writeXml('transaction', entriesOf(only)));
    const items = found.map((transaction) =>
      writeXml('transaction', entriesOf(transaction)).replace(/^<\?xml[^>]*>\n/, ''),
    );
    answer(res, format, `<?xml version="1.0" encoding="utf-8"?>\n<list>\n${items.join('\n')}\n</list>`);
  };

  const handleVoid = (res: ServerResponse, fields: Record<string, string>, format: AnswerFormat): void => {
    if (!authorised(res, format, fields, SIGNED_FIELDS.void)) return;
    const transaction = state.owned(fields['TransactionId'] ?? '', fields['MerchantId'] ?? '');
    if (!transaction) return formatError(res, format, '4029');
    // PayOnline's API doc, "Void method": it cancels a Pending or PreAuthorized transaction and answers
    // `TransactionId=..&Operation=Void&Result=Ok|Error&Message=..`, `Message` being `Voided` or "an
    // error description"; no Code. So a second Void of a voided transaction is `Result=Error` with a
    // message (the doc gives no wording: the emulator's is its own).
    const voidable = transaction.status === 'Pending' || transaction.status === 'PreAuthorized';
    if (voidable) {
      transaction.status = 'Voided';
      recordOperation('void', transaction);
    }
    answer(
      res,
      format,
      writeAnswer(format, [
        { name: 'TransactionId', element: 'id', value: transaction.id },
        { name: 'Operation', value: 'Void' },
        { name: 'Result', value: voidable ? 'Ok' : 'Error' },
        {
          name: 'Message',
          value: voidable
            ? 'Voided'
            : transaction.status === 'Voided'
              ? 'Transaction is already voided'
              : 'Transaction cannot be voided',
        },
      ]),
    );
  };

  const charging = chargingRoutes({
    state,
    clock,
    approved,
    routedMerchantId: routedMerchant.merchantId,
    slowAnswerMs: options.slowAnswerMs ?? 10_000,
    lostAnswers,
    settleAtOnce: options.settleRebills === 'at-once',
    closing: closing.signal,
    callbacks,
    authorised,
    answer,
    formatError,
    recordOperation,
  });

  /**
   * PayOnline's API doc, "Complete method": confirms a PreAuthorized transaction, in full or for a
   * smaller `Amount` (then signed after TransactionId, and echoed); answers
   * `TransactionId=..&Operation=Complete&Amount=..&Result=Ok|Error&Message=Completed|<description>`.
   * A completed payment is debited: `Settled` (the doc's "Statuses of transactions", *inferred* here).
   */
  const handleComplete = (
    res: ServerResponse,
    fields: Record<string, string>,
    format: AnswerFormat,
  ): void => {
    const partial = fields['Amount'];
    const signed = partial === undefined ? SIGNED_FIELDS.complete : [...SIGNED_FIELDS.complete, 'Amount'];
    if (!authorised(res, format, fields, signed)) return;
    const transaction = state.owned(fields['TransactionId'] ?? '', fields['MerchantId'] ?? '');
    if (!transaction) return formatError(res, format, '4029');
    if (partial !== undefined && !/^\d+\.\d{2}$/.test(partial)) return formatError(res, format, '4300');
    const completable =
      transaction.status === 'PreAuthorized' &&
      (partial === undefined || toCents(partial) <= toCents(transaction.amount));
    if (completable) {
      transaction.status = 'Settled';
      if (partial !== undefined) transaction.amount = partial;
      recordOperation('complete', transaction);
    }
    answer(
      res,
      format,
      writeAnswer(format, [
        { name: 'TransactionId', element: 'id', value: transaction.id },
        { name: 'Operation', value: 'Complete' },
        { name: 'Amount', value: partial },
        { name: 'Result', value: completable ? 'Ok' : 'Error' },
        { name: 'Message', value: completable ? 'Completed' : 'Transaction cannot be completed' },
      ]),
    );
  };

  const handleAcs = (res: ServerResponse, path: string, fields: Record<string, string>): void => {
    const paReq = fields['PaReq'] ?? '';
    const transaction = state.byPaReq(paReq);
    const session = transaction?.threeDs;
    const termUrl = fields['TermUrl'] ?? '';
    if (!transaction || !session || transaction.status !== 'Awaiting3DAuthentication') {
      return html(res, 400, renderBankErrorPage('Unknown or finished 3-D Secure request'));
    }
    if (!/^https?:\/\//.test(termUrl)) return html(res, 400, renderBankErrorPage('TermUrl is missing'));
    const md = fields['MD'] ?? '';
    if (path === '/acs/') {
      return html(
        res,
        200,
        renderChallengePage({ confirmUrl: `${baseUrl}/acs/confirm/`, paReq, md, termUrl }),
      );
    }
    const paRes = awkwardBase64(64);
    session.issued.set(paRes, fields['code'] === otp);
    html(res, 200, renderReturnToMerchantPage({ termUrl, paRes, md }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS).end();
      return;
    }
    const { path: rawPath, fields } = await readFields(req);
    const path = rawPath.endsWith('/') ? rawPath : `${rawPath}/`;
    const route = PATHS[path];
    requests.push({
      route: route ?? 'unknown',
      method: req.method ?? 'GET',
      path,
      fields,
      contentType: fields['ContentType'],
      at: clock.now(),
    });
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const format = answerFormatOf(fields['ContentType']);
    const fault = faults.take(route);
    if (fault) {
      if (await applyTransportFault(fault, req, res)) return;
      if (fault.kind === 'malformed') return answer(res, format, writeMalformed(format, route), true);
      if (fault.kind === 'reject') return formatError(res, format, fault.code, true);
    }
    await closeDueOrders();
    switch (route) {
      case 'auth':
        return handleAuth(res, fields, format);
      case 'auth3ds':
        return handleAuth3ds(res, fields, format);
      case 'search':
        return handleSearch(res, fields, format);
      case 'void':
        return handleVoid(res, fields, format);
      case 'rebill':
        return charging.rebill(req, res, fields, format);
      case 'refund':
        return charging.refund(res, fields, format);
      case 'complete':
        return handleComplete(res, fields, format);
      case 'acs':
        return handleAcs(res, path, fields);
      case 'callback':
        return;
    }
  };

  const server = await startHttpServer(handle, options.port === undefined ? {} : { port: options.port });
  baseUrl = server.baseUrl;

  return {
    baseUrl,
    acsUrl: `${baseUrl}/acs/`,
    merchantId,
    privateSecurityKey: privateKey,
    routedMerchant,
    otp,
    faults,
    requests,
    callbacks: callbacks.deliveries,
    setCallbackUrl: (url) => {
      callbacks.url = url;
    },
    transactions: () => state.all(),
    order: (orderId) => state.byOrder(orderId),
    requestsTo: (route) => requests.filter((request) => request.route === route),
    operations: operations.records,
    operationCount: (kind) => operations.count(kind),
    ledger: (orderId) => ledgerOf(operations.records, orderId),
    settle: (transactionId) => {
      const transaction = state.get(transactionId);
      if (transaction?.status !== 'Pending') {
        throw new Error(`Emulated transaction ${transactionId} is not a Pending payment`);
      }
      transaction.status = 'Settled';
    },
    loseRebillAnswer: (orderId, how = 'reset') => {
      lostAnswers.set(orderId, how);
    },
    tick: closeDueOrders,
    callbacksSettled: () => callbacks.settled(),
    resendCallback: async (transactionId) => {
      const transaction = state.get(transactionId);
      if (!transaction) throw new Error(`No emulated transaction ${transactionId}`);
      const delivery = callbacks.send(transaction);
      await callbacks.settled();
      return delivery;
    },
    authSecurityKey: (order) =>
      signFields(
        SIGNED_FIELDS.auth,
        { MerchantId: merchantId, OrderId: order.orderId, Amount: order.amount, Currency: order.currency },
        privateKey,
      ),
    submitCard: async (params) => {
      const response = await fetch(`${baseUrl}/payment/transaction/auth/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(params).toString(),
      });
      return { status: response.status, body: await response.text() };
    },
    close: async () => {
      closing.abort();
      await callbacks.settled();
      await server.close();
    },
  };
}

/** Every field of an Auth request PayOnline does not define: echoed in callbacks. */
const AUTH_FIELDS = new Set([
  'MerchantId',
  'OrderId',
  'Amount',
  'Currency',
  'SecurityKey',
  'Ip',
  'Email',
  'CardHolderName',
  'CardNumber',
  'CardExpDate',
  'CardCvv',
  'Country',
  'City',
  'Address',
  'Zip',
  'State',
  'Phone',
  'Issuer',
  'ContentType',
  'OrderDescription',
]);

function customFieldsOf(fields: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !AUTH_FIELDS.has(name)));
}
