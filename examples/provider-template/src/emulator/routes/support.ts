import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ToyPayLedger } from '../ledger.js';
import type { NotificationSender } from '../notifications.js';
import type { ToyPayState } from '../state.js';

/** Fault-switchboard routes: one per ToyPay API call, plus the hosted page. */
export type ToyPayRoute =
  | 'create-session'
  | 'get-session'
  | 'delete-card'
  | 'create-charge'
  | 'get-charge'
  | 'create-refund'
  | 'hosted-page';

/** What every route reads and writes: the books, the ledger, the notifications and where pages live. */
export interface RouteContext {
  readonly state: ToyPayState;
  readonly ledger: ToyPayLedger;
  readonly notifications: NotificationSender;
  readonly sessionTtlMs: number;
  /** The emulator's own origin, known once it listens. */
  baseUrl(): string;
  /** The origin of hosted-page URLs (the emulator's own unless a test hands out another). */
  pageOrigin(): string;
}

/** One request to a route: the id its path names (a session, a card, an order), and its fields. */
export interface RouteRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

export type RouteHandler = (ctx: RouteContext, request: RouteRequest) => void | Promise<void>;
