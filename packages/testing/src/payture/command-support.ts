import type { PaytureLedger } from './ledger.js';
import type { AnswerFate, ChargeBehaviour } from './magic-cards.js';
import type { PaytureOperationLog } from './operations.js';
import type { EmulatedCustomer, PaytureState } from './state.js';

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
