import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  applyTransportFault,
  FaultSwitchboard,
  readFields,
  startHttpServer,
} from '@cardbind/testing/emulators';
import { refusal, writeMalformed } from './answers.js';
import { type LedgerEntry, ToyPayLedger } from './ledger.js';
import { NotificationSender, type NotificationRecord } from './notifications.js';
import { createSession, deleteCard } from './routes/binding.js';
import { createCharge, createRefund } from './routes/charging.js';
import { hostedPage } from './routes/hosted-page.js';
import { getCharge, getSession } from './routes/queries.js';
import type { RouteContext, RouteHandler, ToyPayRoute } from './routes/support.js';
import { ToyPayState } from './state.js';

export interface ToyPayEmulatorOptions {
  apiKey: string;
  webhookSecret: string;
  /** Where notifications go (none are sent without one). */
  notifyUrl?: string;
  sessionTtlMs?: number;
  /** The origin of hosted-page URLs; default the emulator's own. Tests use it to hand out a bad URL. */
  pageOrigin?: string;
}

/** The charge API's ledger (what money moved) and its lost-answer switch. */
export interface ToyPayCharges {
  readonly ledger: readonly LedgerEntry[];
  /** The order id of every debit, one entry per debit. */
  debits(): string[];
  /** Every request to charge `orderId` takes effect (the card is debited), then the answer is lost. */
  loseAnswer(orderId: string): void;
}

export interface ToyPayEmulator {
  readonly baseUrl: string;
  readonly faults: FaultSwitchboard;
  /** Cards ToyPay holds for a customer: what "saved at the provider" means here. */
  cardsFor(customerReference: string): number;
  /** Ends a session's lifetime now. */
  expire(sessionId: string): void;
  /** Notifications sent, with the host's answer status. */
  readonly notifications: readonly NotificationRecord[];
  readonly charges: ToyPayCharges;
  close(): Promise<void>;
}

interface Route {
  readonly route: ToyPayRoute;
  readonly methods: readonly string[];
  /** The path; its one group, when it has one, is the id the route acts on. */
  readonly path: RegExp;
  /** The merchant API wants the bearer API key; the hosted page is the customer's. */
  readonly api: boolean;
  readonly handle: RouteHandler;
}

/** The routing table: one line per ToyPay call, files in `routes/` by family. */
const ROUTES: readonly Route[] = [
  { route: 'create-session', methods: ['POST'], path: /^\/v1\/sessions$/, api: true, handle: createSession },
  {
    route: 'get-session',
    methods: ['GET'],
    path: /^\/v1\/sessions\/([^/]+)$/,
    api: true,
    handle: getSession,
  },
  {
    route: 'delete-card',
    methods: ['POST'],
    path: /^\/v1\/cards\/([^/]+)\/delete$/,
    api: true,
    handle: deleteCard,
  },
  { route: 'create-charge', methods: ['POST'], path: /^\/v1\/charges$/, api: true, handle: createCharge },
  { route: 'get-charge', methods: ['GET'], path: /^\/v1\/charges\/([^/]+)$/, api: true, handle: getCharge },
  {
    route: 'create-refund',
    methods: ['POST'],
    path: /^\/v1\/charges\/([^/]+)\/refunds$/,
    api: true,
    handle: createRefund,
  },
  {
    route: 'hosted-page',
    methods: ['GET', 'POST'],
    path: /^\/pay\/([^/]+)$/,
    api: false,
    handle: hostedPage,
  },
];

/**
 * ToyPay on 127.0.0.1: the merchant API (`/v1/...`, bearer auth, JSON), the hosted card page
 * (`/pay/{session}`), and signed notifications. It knows only ToyPay's wire format and never imports
 * the provider. Protocol faults come in ToyPay's own format: `malformed` is truncated JSON, `reject`
 * is a 4xx with ToyPay's error body.
 */
export async function startToyPayEmulator(options: ToyPayEmulatorOptions): Promise<ToyPayEmulator> {
  const state = new ToyPayState();
  const ledger = new ToyPayLedger();
  const faults = new FaultSwitchboard();
  const notifications = new NotificationSender(options.webhookSecret, options.notifyUrl);
  // Known once the server listens; requests only arrive after that.
  let baseUrl = '';
  const ctx: RouteContext = {
    state,
    ledger,
    notifications,
    sessionTtlMs: options.sessionTtlMs ?? 30 * 60_000,
    baseUrl: () => baseUrl,
    pageOrigin: () => options.pageOrigin ?? baseUrl,
  };

  /** Applies an armed fault; true when it answered. */
  const faulted = async (route: ToyPayRoute, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const fault = faults.take(route);
    if (!fault) return false;
    if (fault.kind === 'malformed') {
      writeMalformed(res);
      return true;
    }
    if (fault.kind === 'reject') {
      refusal(res, 400, fault.code);
      return true;
    }
    return applyTransportFault(fault, req, res);
  };

  const server = await startHttpServer(async (req, res) => {
    const { path, fields } = await readFields(req);
    const isApi = path.startsWith('/v1/');
    if (isApi && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return refusal(res, 401, 'invalid_api_key');
    }
    for (const route of ROUTES) {
      const match = route.api === isApi ? route.path.exec(path) : null;
      if (!match || !route.methods.includes(req.method ?? 'GET')) continue;
      if (await faulted(route.route, req, res)) return;
      return route.handle(ctx, { req, res, id: match[1] ?? '', fields });
    }
    refusal(res, 404, 'not_found');
  });
  baseUrl = server.baseUrl;

  return {
    baseUrl,
    faults,
    notifications: notifications.records,
    charges: {
      ledger: ledger.entries,
      debits: () => ledger.debits(),
      loseAnswer: (orderId) => {
        state.losingAnswers.add(orderId);
      },
    },
    cardsFor: (customerReference) => state.cards.get(customerReference)?.size ?? 0,
    expire: (sessionId) => {
      const session = state.sessions.get(sessionId);
      if (session) session.expiresAt = new Date(0);
    },
    close: () => server.close(),
  };
}
