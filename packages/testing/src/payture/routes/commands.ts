import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyTransportFault } from '../../faults/apply-transport-fault.js';
import { failureXml, malformedXml, writeXml } from '../answers.js';
import { decodeData } from '../request.js';
import { BINDING_HANDLERS } from './binding.js';
import { PAY_HANDLERS } from './charging.js';
import { QUERY_HANDLERS } from './queries.js';
import {
  type CommandAnswer,
  type CommandContext,
  type CommandRequest,
  type Handler,
  Refusal,
  type RouteContext,
} from './support.js';

export type { CommandContext, CommandSettings } from './support.js';

export const VWAPI_COMMANDS = [
  'Register',
  'Check',
  'Update',
  'Delete',
  'Init',
  'GetList',
  'Remove',
  'Activate',
  'GetState',
  'PayStatus',
  'Pay',
  'PaySubmit3DS',
  'Refund',
] as const;
export type VwapiCommand = (typeof VWAPI_COMMANDS)[number];

export function isVwapiCommand(name: string): name is VwapiCommand {
  return VWAPI_COMMANDS.some((command) => command === name);
}

/**
 * Which terminal a command must name. Payture issues separate Add and Pay terminals (payture.md,
 * "Transport"): binding commands take the Add terminal's VWID, Pay and Refund the Pay terminal's
 * (charging.md, "Payture EWallet"). GetState names the terminal in `Key` (charging.md, "Order state";
 * the Go SDK's `OrderManager.go`) and answers for either terminal's orders; `VWID` is read too, as
 * older clients send it. PaySubmit3DS carries only `MD` and `PaRes` (the Go SDK's `3DS.go`): the MD
 * names the payment.
 */
const TERMINAL: Readonly<Record<VwapiCommand, 'add' | 'pay' | 'order' | 'none'>> = {
  Register: 'add',
  Check: 'add',
  Update: 'add',
  Delete: 'add',
  Init: 'add',
  GetList: 'add',
  Remove: 'add',
  Activate: 'add',
  GetState: 'order',
  PayStatus: 'order',
  Pay: 'pay',
  PaySubmit3DS: 'none',
  Refund: 'pay',
};

const LEGACY: Readonly<Record<string, string>> = {
  CUSTOMER_NOT_FOUND: 'USER_NOT_FOUND',
  DUPLICATE_CUSTOMER: 'DUPLICATE_USER',
};

/** Every command's handler, by family: binding.ts, queries.ts, charging.ts. */
const HANDLERS: Readonly<Record<VwapiCommand, Handler>> = {
  ...BINDING_HANDLERS,
  ...QUERY_HANDLERS,
  ...PAY_HANDLERS,
};

/** Runs one vwapi command against the state and returns the XML answer (and its fate). */
export function runCommand(
  command: VwapiCommand,
  request: CommandRequest,
  ctx: CommandContext,
): CommandAnswer {
  try {
    const vwid = request.fields['VWID'];
    const { addTerminal, payTerminal } = ctx.settings;
    switch (TERMINAL[command]) {
      case 'add':
        if (vwid !== addTerminal) throw new Refusal('ACCESS_DENIED');
        break;
      case 'pay':
        if (vwid !== payTerminal) throw new Refusal('ACCESS_DENIED');
        break;
      case 'order': {
        const key = request.fields['Key'] ?? vwid;
        if (key !== addTerminal && key !== payTerminal) throw new Refusal('ACCESS_DENIED');
        break;
      }
      case 'none':
        break;
    }
    const answer = HANDLERS[command](request, ctx);
    return typeof answer === 'string' ? { xml: answer } : answer;
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    const code = ctx.settings.legacyErrorCodes ? (LEGACY[error.errCode] ?? error.errCode) : error.errCode;
    return { xml: failureXml(command, code) };
  }
}

/**
 * `POST /vwapi/{Command}`: recorded, then an armed fault, then the command against the state, then
 * its answer — or, after the command took effect, the answer's armed fate (lost, a 502, too slow).
 */
export async function commandRoute(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  command: VwapiCommand,
  fields: Readonly<Record<string, string>>,
): Promise<void> {
  // Payture's Node SDK names the field `Data`; the documentation and the other SDKs `DATA`.
  const rawData = fields['DATA'] ?? fields['Data'];
  const data = rawData === undefined ? {} : decodeData(rawData);
  const { VWID: _vwid, DATA: _data, Data: _sdkData, ...topLevel } = fields;
  ctx.requests.push({
    command,
    method: req.method ?? 'GET',
    data,
    ...(fields['VWID'] === undefined ? {} : { vwid: fields['VWID'] }),
    ...(rawData === undefined ? {} : { rawData }),
    ...(Object.keys(topLevel).length === 0 ? {} : { fields: topLevel }),
  });
  const fault = ctx.faults.take(command);
  if (fault) {
    if (await applyTransportFault(fault, req, res)) return;
    if (fault.kind === 'malformed') return writeXml(res, malformedXml(command));
    if (fault.kind === 'reject') return writeXml(res, failureXml(command, fault.code));
  }
  const result = runCommand(command, { fields, data }, ctx.commandContext());
  switch (result.fate) {
    case undefined:
      return writeXml(res, result.xml);
    case 'lost':
      req.socket.destroy();
      return;
    case 'bad-gateway':
      res
        .writeHead(502, { 'content-type': 'text/html; charset=utf-8' })
        .end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    case 'slow':
      // The client gave up long ago; a closed socket swallows the late answer.
      await sleep(ctx.slowAnswerMs, undefined, { ref: false });
      if (!res.destroyed) writeXml(res, result.xml);
      return;
  }
}
