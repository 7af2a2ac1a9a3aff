import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Clock, systemClock } from '@cardbind/core';
import { applyTransportFault } from '../faults/apply-transport-fault.js';
import { FaultSwitchboard } from '../faults/fault-switchboard.js';
import { readFields } from '../http/read-request.js';
import { startHttpServer } from '../http/start-http-server.js';
import {
  type AnswerFormat,
  answerFormatOf,
  CORS_HEADERS,
  respond,
  respondFormatError,
  writeMalformed,
} from './answers.js';
import { CallbackSender, type CallbackDelivery } from './callbacks.js';
import { ledgerOf, type PayOnlineOrderLedger } from './ledger.js';
import { type PayOnlineOperation, type PayOnlineOperationKind, PayOnlineOperationLog } from './operations.js';
import { acs } from './routes/acs.js';
import { auth, auth3ds } from './routes/binding.js';
import { complete, rebill, refund, voidTransaction } from './routes/charging.js';
import { search } from './routes/queries.js';
import type { PayOnlineRoute, RouteContext, RouteHandler } from './routes/support.js';
import { SIGNED_FIELDS, signFields } from './security-key.js';
import { type ApprovedStatus, type EmulatedTransaction, EmulatorState } from './state.js';

export type { PayOnlineRoute } from './routes/support.js';

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

/** The routing table: each path's fault-switchboard route and its handler, files in `routes/` by family. */
const PATHS: Readonly<Record<string, { route: PayOnlineRoute; handle: RouteHandler }>> = {
  '/payment/transaction/auth/': { route: 'auth', handle: auth },
  '/payment/transaction/auth/3ds/': { route: 'auth3ds', handle: auth3ds },
  '/payment/search/': { route: 'search', handle: search },
  '/payment/transaction/void/': { route: 'void', handle: voidTransaction },
  '/payment/transaction/rebill/': { route: 'rebill', handle: rebill },
  '/payment/transaction/refund/': { route: 'refund', handle: refund },
  '/payment/transaction/complete/': { route: 'complete', handle: complete },
  '/acs/': { route: 'acs', handle: acs },
  '/acs/confirm/': { route: 'acs', handle: acs },
};

/**
 * A PayOnline emulator on 127.0.0.1: Auth (with magic cards), the 3-DS completion, Search, Void,
 * Rebill and Refund (routes/charging.ts; a bound card's magic number decides its charges), a routed second
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

  /** The merchant and the key; answers the refusal and returns false when either is wrong. */
  const authorised = (
    res: ServerResponse,
    format: AnswerFormat,
    fields: Readonly<Record<string, string>>,
    signed: readonly string[],
    cors = false,
  ): boolean => {
    const key = keys.get(fields['MerchantId'] ?? '');
    if (key === undefined) {
      respondFormatError(res, format, '4027', cors);
      return false;
    }
    const expected = signFields(signed, fields, key);
    if ((fields['SecurityKey'] ?? '').toLowerCase() !== expected) {
      respondFormatError(res, format, '4024', cors);
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

  const ctx: RouteContext = {
    state,
    clock,
    approved,
    callbacks,
    merchantId,
    otp,
    slowCloseMs,
    routedMerchantId: routedMerchant.merchantId,
    slowAnswerMs: options.slowAnswerMs ?? 10_000,
    lostAnswers,
    settleAtOnce: options.settleRebills === 'at-once',
    closing: closing.signal,
    baseUrl: () => baseUrl,
    authorised,
    recordOperation,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS).end();
      return;
    }
    const { path: rawPath, fields } = await readFields(req);
    const path = rawPath.endsWith('/') ? rawPath : `${rawPath}/`;
    const target = PATHS[path];
    requests.push({
      route: target?.route ?? 'unknown',
      method: req.method ?? 'GET',
      path,
      fields,
      contentType: fields['ContentType'],
      at: clock.now(),
    });
    if (!target) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const format = answerFormatOf(fields['ContentType']);
    const fault = faults.take(target.route);
    if (fault) {
      if (await applyTransportFault(fault, req, res)) return;
      if (fault.kind === 'malformed') return respond(res, format, writeMalformed(format, target.route), true);
      if (fault.kind === 'reject') return respondFormatError(res, format, fault.code, true);
    }
    await closeDueOrders();
    await target.handle(ctx, { req, res, path, fields, format });
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
