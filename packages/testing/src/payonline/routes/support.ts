import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '@cardbind/core';
import type { AnswerFormat } from '../answers.js';
import type { CallbackSender } from '../callbacks.js';
import type { PayOnlineOperationKind } from '../operations.js';
import type { ApprovedStatus, EmulatedTransaction, EmulatorState } from '../state.js';

/** Routes of the fault switchboard. */
export type PayOnlineRoute =
  'auth' | 'auth3ds' | 'search' | 'void' | 'rebill' | 'refund' | 'complete' | 'acs' | 'callback';

/** What the emulator lends its routes: the books, the clock, the callbacks and its settings. */
export interface RouteContext {
  readonly state: EmulatorState;
  readonly clock: Pick<Clock, 'now'>;
  /** The status of an approved payment (`paymentType`). */
  readonly approved: ApprovedStatus;
  readonly callbacks: CallbackSender;
  /** The configured merchant account's id. */
  readonly merchantId: string;
  /** The one-time code the emulated bank accepts. */
  readonly otp: string;
  /** When the slow-close card's order closes, after Auth. */
  readonly slowCloseMs: number;
  /** The account the routed magic card's payments go to. */
  readonly routedMerchantId: string;
  /** How long the slow-answer magic card's Rebill answer takes, in real time. */
  readonly slowAnswerMs: number;
  /** Orders whose next Rebill debits and loses its answer (`loseRebillAnswer`), whatever the card. */
  readonly lostAnswers: Map<string, 'reset' | 'bad-gateway'>;
  /** Rebills settle right after their answer (`settleRebills: 'at-once'`). */
  readonly settleAtOnce: boolean;
  /** Aborted when the emulator closes: a slow answer stops waiting. */
  readonly closing: AbortSignal;
  /** The emulator's own origin, known once it listens. */
  baseUrl(): string;
  /** Checks MerchantId and SecurityKey; answers the refusal and returns false when either is wrong. */
  authorised(
    res: ServerResponse,
    format: AnswerFormat,
    fields: Readonly<Record<string, string>>,
    signed: readonly string[],
    cors?: boolean,
  ): boolean;
  /** Records an operation that took effect (ledger and counts). */
  recordOperation(kind: PayOnlineOperationKind, transaction: EmulatedTransaction, amount?: string): void;
}

/** One request to a route, with the answer format it asked for (`ContentType`). */
export interface RouteRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly format: AnswerFormat;
}

export type RouteHandler = (ctx: RouteContext, request: RouteRequest) => void | Promise<void>;
