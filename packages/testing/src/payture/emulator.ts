import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultSwitchboard } from '../faults/fault-switchboard.js';
import { startHttpServer } from '../http/start-http-server.js';
import { completeAddSession, type AddPageResult, type CardEntry } from './browser/complete-add-session.js';
import {
  completeThreeDSecure,
  type TermUrlPost,
  type ThreeDSecureAction,
} from './browser/complete-three-d-secure.js';
import { customerControls, type PaytureCustomerControls } from './controls/customers.js';
import { paymentControls, type PayturePaymentControls } from './controls/payments.js';
import { type LedgerEntry, type LedgerTotal, PaytureLedger } from './ledger.js';
import { NotificationSender, type NotificationRecord } from './notifications.js';
import { type PaytureOperation, type PaytureOperationKind, PaytureOperationLog } from './operations.js';
import { readVwapiFields } from './request.js';
import { ACS_CONFIRM_PATH, ACS_PATH, acsRoute } from './routes/acs.js';
import { commandRoute, isVwapiCommand } from './routes/commands.js';
import { hostedPageRoute, SlowCards } from './routes/hosted-page.js';
import type {
  CommandSettings,
  PaymentArms,
  PaytureRequestRecord,
  PaytureRoute,
  RouteContext,
} from './routes/support.js';
import { type AddSession, PaytureState } from './state.js';

export { ACS_ROUTE, ADD_PAGE_ROUTE, type PaytureRequestRecord, type PaytureRoute } from './routes/support.js';

export interface PaytureEmulatorOptions {
  /** VWID of the Add terminal the emulator accepts. Default `MerchantAdd`. */
  addTerminal?: string;
  /** The terminal password the Delete command wants. Default `terminal-password`. */
  terminalPassword?: string;
  /** VWID of the Pay terminal that Pay and Refund want. Default `MerchantPay`. */
  payTerminal?: string;
  /** The Pay terminal's password that Refund wants. Default `pay-terminal-password`. */
  payTerminalPassword?: string;
  /** The one-time code the emulated bank's 3-D Secure page accepts. Default `123456`. */
  otp?: string;
  /** How long a debit with the `slow` answer fate waits before answering. Default 2000 ms. */
  slowAnswerMs?: number;
  /**
   * GetState's Amount for a refunded payment: `paid` (default; droff's recorded `Refunded` order shows
   * the paid amount) or `left` after refunds (as Refund's NewAmount).
   */
  getStateAmount?: 'paid' | 'left';
  sessionLifetimeMinutes?: number;
  /** Card entries allowed per Add session. Default 5 (the AttemptsCount in Behind-API's docs). */
  attemptsCount?: number;
  /** Answer with the legacy ErrCode names (USER_NOT_FOUND, DUPLICATE_USER). */
  legacyErrorCodes?: boolean;
  /** Time for session lifetimes; share a ManualClock with the service to move both. */
  clock?: { now(): Date };
  /** Where notifications go; none are sent without one. */
  notificationUrl?: string;
  notificationAttempts?: number;
  /** How long the slow-close card takes to appear. Default 1000 ms. */
  slowCloseMs?: number;
  port?: number;
}

export interface AddSessionView {
  sessionId: string;
  login: string;
  state: AddSession['state'];
  url?: string;
  orderId?: string;
  amount?: number;
  errCode?: string;
  cardId?: string;
  attemptsUsed: number;
  attemptsAllowed: number;
  expiresAt: Date;
}

export interface PaytureEmulator {
  /** `http://127.0.0.1:{port}`: use it as the provider's baseUrl. */
  readonly baseUrl: string;
  readonly addTerminal: string;
  readonly terminalPassword: string;
  readonly payTerminal: string;
  readonly payTerminalPassword: string;
  /** The emulated bank's ACS page (what a `Success="3DS"` answer names as ACSUrl). */
  readonly acsUrl: string;
  readonly otp: string;
  readonly faults: FaultSwitchboard;
  /** Every request, in order. */
  readonly requests: readonly PaytureRequestRecord[];
  /** How many requests a route has had (refused and faulted ones included). */
  count(route: PaytureRoute): number;
  /** Every operation that took effect, in order (a refused or faulted request is none). */
  readonly operations: readonly PaytureOperation[];
  /** How many operations of one kind took effect: "exactly one card added, one hold released". */
  operationCount(kind: PaytureOperationKind): number;
  readonly customers: PaytureCustomerControls;
  /** Every debit and refund that took effect, in order. */
  readonly ledger: readonly LedgerEntry[];
  /** Debits of one order: "exactly one debit", whatever answers were lost. */
  debits(orderId: string): LedgerTotal;
  /** Refunds of one order, and their sum in kopecks. */
  refunds(orderId: string): LedgerTotal;
  /** Payments by order id; per-order charge behaviours and answer fates. */
  readonly payments: PayturePaymentControls;
  /**
   * What the customer's browser does with a charge's 3-D Secure action: the bank's pages, with `code`
   * typed (default: the emulator's `otp`, which passes). Returns the form the bank posts to TermUrl.
   */
  completeThreeDSecure(action: ThreeDSecureAction, options?: { code?: string }): Promise<TermUrlPost>;
  readonly sessions: {
    get(sessionId: string): AddSessionView | undefined;
    /** Moves a session past its lifetime. */
    expire(sessionId: string): void;
  };
  /** The hosted page's URL for a session. */
  addPageUrl(sessionId: string): string;
  /** What a browser does: GET the page, POST the form. Returns the answer (a 302 to the session's Url). */
  completeAddSession(sessionId: string, card: CardEntry): Promise<AddPageResult>;
  /** Stores the slow-close cards now. */
  settleSlowCards(): void;
  setNotificationUrl(url: string | undefined): void;
  readonly notifications: readonly NotificationRecord[];
  /** Sends a notification again (default: the last), as Payture's retries and duplicates do. */
  replayNotification(index?: number): Promise<void>;
  /** Resolves when every queued notification has been delivered or given up. */
  notificationsSettled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Payture EWallet (vwapi) emulator on 127.0.0.1: customers, cards and Add sessions in memory, the
 * hosted Add page, notifications, magic cards and a fault switchboard per command; charging on the
 * Pay terminal (Pay, PaySubmit3DS with an emulated bank's ACS, GetState, Refund) with a ledger of
 * every debit and refund. It speaks the wire
 * format: form fields VWID and DATA (once- or twice-encoded), answers `<Command Success="True" .../>`
 * as `text/xml; charset=utf-8`.
 */
export async function startPaytureEmulator(options: PaytureEmulatorOptions = {}): Promise<PaytureEmulator> {
  const settings: CommandSettings = {
    addTerminal: options.addTerminal ?? 'MerchantAdd',
    terminalPassword: options.terminalPassword ?? 'terminal-password',
    payTerminal: options.payTerminal ?? 'MerchantPay',
    payTerminalPassword: options.payTerminalPassword ?? 'pay-terminal-password',
    getStateAmount: options.getStateAmount ?? 'paid',
    sessionLifetimeMinutes: options.sessionLifetimeMinutes ?? 60,
    attemptsCount: options.attemptsCount ?? 5,
    legacyErrorCodes: options.legacyErrorCodes ?? false,
  };
  const now = () => options.clock?.now() ?? new Date();
  const state = new PaytureState();
  const faults = new FaultSwitchboard();
  const requests: PaytureRequestRecord[] = [];
  const notifications = new NotificationSender({
    ...(options.notificationUrl === undefined ? {} : { url: options.notificationUrl }),
    ...(options.notificationAttempts === undefined ? {} : { attempts: options.notificationAttempts }),
  });
  const slowCards = new SlowCards(options.slowCloseMs ?? 1_000);
  const operations = new PaytureOperationLog();
  const ledger = new PaytureLedger();
  const arms: PaymentArms = { charges: new Map(), fates: new Map() };
  const otp = options.otp ?? '123456';
  const slowAnswerMs = options.slowAnswerMs ?? 2_000;
  // Known once the server listens; requests only arrive after that.
  let baseUrl = '';
  const routes: RouteContext = {
    faults,
    requests,
    addFlow: { state, addTerminal: settings.addTerminal, notifications, slowCards, operations, now },
    commandContext: () => ({
      state,
      settings,
      operations,
      ledger,
      arms,
      acsUrl: `${baseUrl}${ACS_PATH}`,
      now,
    }),
    slowAnswerMs,
    otp,
    baseUrl: () => baseUrl,
  };

  /** The routing table: the bank's pages, the hosted Add page, and one vwapi command per path. */
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { path, fields } = await readVwapiFields(req);
    if (path === ACS_PATH || path === ACS_CONFIRM_PATH) return acsRoute(routes, req, res, path, fields);
    const name = /^\/vwapi\/([A-Za-z0-9]+)$/.exec(path)?.[1];
    if (name === 'Add') return hostedPageRoute(routes, req, res, fields);
    if (name !== undefined && isVwapiCommand(name)) return commandRoute(routes, req, res, name, fields);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
  };

  const server = await startHttpServer(handle, options.port === undefined ? {} : { port: options.port });
  baseUrl = server.baseUrl;

  const sessionView = (session: AddSession): AddSessionView => ({
    sessionId: session.sessionId,
    login: session.login,
    state: session.state,
    attemptsUsed: session.attemptsUsed,
    attemptsAllowed: session.attemptsAllowed,
    expiresAt: session.expiresAt,
    ...(session.url === undefined ? {} : { url: session.url }),
    ...(session.orderId === undefined ? {} : { orderId: session.orderId }),
    ...(session.amount === undefined ? {} : { amount: session.amount }),
    ...(session.errCode === undefined ? {} : { errCode: session.errCode }),
    ...(session.cardId === undefined ? {} : { cardId: session.cardId }),
  });
  const addPageUrl = (sessionId: string) => `${baseUrl}/vwapi/Add?SessionId=${encodeURIComponent(sessionId)}`;

  return {
    baseUrl,
    addTerminal: settings.addTerminal,
    terminalPassword: settings.terminalPassword,
    payTerminal: settings.payTerminal,
    payTerminalPassword: settings.payTerminalPassword,
    acsUrl: `${baseUrl}${ACS_PATH}`,
    otp,
    faults,
    requests,
    count: (route) => requests.filter((request) => request.command === route).length,
    operations: operations.records,
    operationCount: (kind) => operations.count(kind),
    customers: customerControls(state, now),
    ledger: ledger.entries,
    debits: (orderId) => ledger.total('debit', orderId),
    refunds: (orderId) => ledger.total('refund', orderId),
    payments: paymentControls(state, arms),
    completeThreeDSecure: (action, threeDSecureOptions = {}) =>
      completeThreeDSecure(action, { code: threeDSecureOptions.code ?? otp }),
    sessions: {
      get(sessionId) {
        const session = state.sessions.get(sessionId);
        return session ? sessionView(session) : undefined;
      },
      expire(sessionId) {
        const session = state.sessions.get(sessionId);
        if (session) session.expiresAt = new Date(now().getTime() - 1);
      },
    },
    addPageUrl,
    completeAddSession: (sessionId, card) => completeAddSession(addPageUrl(sessionId), card),
    settleSlowCards: () => slowCards.settle(),
    setNotificationUrl(url) {
      notifications.url = url;
    },
    notifications: notifications.records,
    replayNotification: (index) => notifications.replay(index),
    notificationsSettled: () => notifications.settled(),
    async close() {
      slowCards.clear();
      await server.close();
    },
  };
}
