import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyTransportFault } from '../faults/apply-transport-fault.js';
import { FaultSwitchboard } from '../faults/fault-switchboard.js';
import { startHttpServer } from '../http/start-http-server.js';
import { failSession, showAddPage, SlowCards, submitAddPage, type AddFlowContext } from './add-flow.js';
import { ADD_FORM_FIELDS, ADD_PAGE_HEADERS } from './add-page.js';
import { completeAddSession, type AddPageResult, type CardEntry } from './complete-add-session.js';
import { customerControls, type PaytureCustomerControls } from './customer-controls.js';
import { decodeData } from './data-field.js';
import { NotificationSender, type NotificationRecord } from './notifications.js';
import { type PaytureOperation, type PaytureOperationKind, PaytureOperationLog } from './operations.js';
import { type AddSession, PaytureState } from './state.js';
import { type CommandSettings, isVwapiCommand, runCommand, type VwapiCommand } from './vwapi-commands.js';
import { readVwapiFields } from './vwapi-request.js';
import { failureXml, malformedXml, writeXml } from './xml.js';

/** The fault-switchboard route of the hosted Add page (GET and POST). */
export const ADD_PAGE_ROUTE = 'AddPage';
export type PaytureRoute = VwapiCommand | typeof ADD_PAGE_ROUTE;

export interface PaytureEmulatorOptions {
  /** VWID of the Add terminal the emulator accepts. Default `MerchantAdd`. */
  addTerminal?: string;
  /** The terminal password the Delete command wants. Default `terminal-password`. */
  terminalPassword?: string;
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

export interface PaytureRequestRecord {
  command: PaytureRoute;
  method: string;
  vwid?: string;
  /** The decoded DATA fields (Add page requests record the session id only, never card data). */
  data: Readonly<Record<string, string>>;
  /** The DATA field as it arrived (once form-decoded): tests prove it never reaches a log. */
  rawData?: string;
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
 * hosted Add page, notifications, magic cards and a fault switchboard per command. It speaks the wire
 * format: form fields VWID and DATA (once- or twice-encoded), answers `<Command Success="True" .../>`
 * as `text/xml; charset=utf-8`.
 */
export async function startPaytureEmulator(options: PaytureEmulatorOptions = {}): Promise<PaytureEmulator> {
  const settings: CommandSettings = {
    addTerminal: options.addTerminal ?? 'MerchantAdd',
    terminalPassword: options.terminalPassword ?? 'terminal-password',
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
  const flow: AddFlowContext = {
    state,
    addTerminal: settings.addTerminal,
    notifications,
    slowCards,
    operations,
    now,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { path, fields } = await readVwapiFields(req);
    const name = /^\/vwapi\/([A-Za-z0-9]+)$/.exec(path)?.[1];
    if (name === 'Add') return handleAddPage(req, res, fields);
    if (name === undefined || !isVwapiCommand(name)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    // Payture's Node SDK names the field `Data`; the documentation and the other SDKs `DATA`.
    const rawData = fields['DATA'] ?? fields['Data'];
    const data = rawData === undefined ? {} : decodeData(rawData);
    requests.push({
      command: name,
      method: req.method ?? 'GET',
      data,
      ...(fields['VWID'] === undefined ? {} : { vwid: fields['VWID'] }),
      ...(rawData === undefined ? {} : { rawData }),
    });
    const fault = faults.take(name);
    if (fault) {
      if (await applyTransportFault(fault, req, res)) return;
      if (fault.kind === 'malformed') return writeXml(res, malformedXml(name));
      if (fault.kind === 'reject') return writeXml(res, failureXml(name, fault.code));
    }
    writeXml(res, runCommand(name, fields['VWID'], data, { state, settings, operations, now }));
  };

  const handleAddPage = async (
    req: IncomingMessage,
    res: ServerResponse,
    fields: Record<string, string>,
  ): Promise<void> => {
    const sessionId = fields[ADD_FORM_FIELDS.sessionId] ?? '';
    requests.push({ command: ADD_PAGE_ROUTE, method: req.method ?? 'GET', data: { SessionId: sessionId } });
    const fault = faults.take(ADD_PAGE_ROUTE);
    if (fault) {
      if (await applyTransportFault(fault, req, res)) return;
      if (fault.kind === 'malformed') {
        res
          .writeHead(200, ADD_PAGE_HEADERS)
          .end('<!DOCTYPE html><html><body><form method="POST" action="/vwapi/A');
        return;
      }
      if (fault.kind === 'reject') {
        const session = state.sessions.get(sessionId);
        if (session?.state === 'open') return failSession(res, session, fault.code, flow);
      }
    }
    if (req.method === 'POST') return submitAddPage(res, fields, flow);
    return showAddPage(res, sessionId, flow);
  };

  const server = await startHttpServer(handle, options.port === undefined ? {} : { port: options.port });
  const baseUrl = server.baseUrl;

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
    faults,
    requests,
    count: (route) => requests.filter((request) => request.command === route).length,
    operations: operations.records,
    operationCount: (kind) => operations.count(kind),
    customers: customerControls(state, now),
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
