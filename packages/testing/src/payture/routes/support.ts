import type { FaultSwitchboard } from '../../faults/fault-switchboard.js';
import type { PaytureLedger } from '../ledger.js';
import type { AnswerFate, ChargeBehaviour } from '../magic-cards.js';
import type { PaytureOperationLog } from '../operations.js';
import type { EmulatedCustomer, PaytureState } from '../state.js';
import type { VwapiCommand } from './commands.js';
import type { AddFlowContext } from './hosted-page.js';

/** The fault-switchboard route of the hosted Add page (GET and POST). */
export const ADD_PAGE_ROUTE = 'AddPage';
/** The fault-switchboard route of the emulated bank's 3-D Secure pages. */
export const ACS_ROUTE = 'ACS';
export type PaytureRoute = VwapiCommand | typeof ADD_PAGE_ROUTE | typeof ACS_ROUTE;

export interface PaytureRequestRecord {
  command: PaytureRoute;
  method: string;
  vwid?: string;
  /** The decoded DATA fields (Add page requests record the session id only, never card data). */
  data: Readonly<Record<string, string>>;
  /** The DATA field as it arrived (once form-decoded): tests prove it never reaches a log. */
  rawData?: string;
  /** Top-level form fields other than VWID and DATA (GetState's Key and OrderId, PaySubmit3DS's MD and PaRes). */
  fields?: Readonly<Record<string, string>>;
}

/**
 * What the emulator lends its HTTP routes (routes/commands.ts, hosted-page.ts, acs.ts): every request
 * is recorded and may meet an armed fault before anything happens.
 */
export interface RouteContext {
  readonly faults: FaultSwitchboard;
  readonly requests: PaytureRequestRecord[];
  /** The commands' view of the emulator (its ACS URL is known only once the server listens). */
  commandContext(): CommandContext;
  readonly addFlow: AddFlowContext;
  /** How long a debit with the `slow` answer fate waits before answering. */
  readonly slowAnswerMs: number;
  /** The one-time code the emulated bank accepts. */
  readonly otp: string;
  /** The emulator's own origin, known once it listens. */
  baseUrl(): string;
}

export interface CommandSettings {
  addTerminal: string;
  terminalPassword: string;
  /** VWID of the Pay terminal (Pay, Refund): Payture issues it apart from the Add terminal. */
  payTerminal: string;
  /** The Pay terminal's password, which Refund sends inside DATA. */
  payTerminalPassword: string;
  /**
   * What GetState's Amount says about a refunded payment: the amount paid (droff's
   * `get_state_success.yml` shows a Refunded order with its paid Amount) or what is left after
   * refunds (what Refund's NewAmount reports; no recording shows GetState doing so).
   */
  getStateAmount: 'paid' | 'left';
  sessionLifetimeMinutes: number;
  attemptsCount: number;
  /** Answer with the first generation of ErrCode names (USER_NOT_FOUND, DUPLICATE_USER). */
  legacyErrorCodes: boolean;
}

/** What tests armed for single orders: Pay's behaviour, and the fate of an answer after its effect. */
export interface PaymentArms {
  readonly charges: Map<string, ChargeBehaviour>;
  readonly fates: Map<string, AnswerFate>;
}

/** The key of an armed answer fate: one command for one order. */
export function fateKey(command: string, orderId: string): string {
  return `${command}\u0000${orderId}`;
}

export interface CommandContext {
  state: PaytureState;
  settings: CommandSettings;
  operations: PaytureOperationLog;
  ledger: PaytureLedger;
  arms: PaymentArms;
  /** The emulated bank's ACS page, which a Pay answer with `Success="3DS"` names. */
  acsUrl: string;
  now(): Date;
}

/** The form fields of the request (VWID, Key, MD, PaRes...) and its decoded DATA. */
export interface CommandRequest {
  fields: Readonly<Record<string, string>>;
  data: Readonly<Record<string, string>>;
}

/** A command's answer, and what happens to it after the command took effect. */
export interface CommandAnswer {
  xml: string;
  fate?: AnswerFate;
}

export type Handler = (request: CommandRequest, ctx: CommandContext) => string | CommandAnswer;

/** Refusal thrown inside a handler and written as `<Command Success="False" ErrCode=".."/>`. */
export class Refusal extends Error {
  constructor(readonly errCode: string) {
    super(errCode);
  }
}

const CREDENTIAL = /^.{1,50}$/s;

export function isCredential(value: string): boolean {
  return CREDENTIAL.test(value);
}

export function credentials(data: Readonly<Record<string, string>>): { login: string; password: string } {
  const login = data['VWUserLgn'] ?? '';
  const password = data['VWUserPsw'] ?? '';
  if (!isCredential(login) || !isCredential(password)) throw new Refusal('WRONG_PARAMS');
  return { login, password };
}

export function authenticate(data: Readonly<Record<string, string>>, ctx: CommandContext): EmulatedCustomer {
  const { login, password } = credentials(data);
  const customer = ctx.state.customers.get(login);
  if (!customer) throw new Refusal('CUSTOMER_NOT_FOUND');
  if (customer.password !== password) throw new Refusal('ACCESS_DENIED');
  return customer;
}
