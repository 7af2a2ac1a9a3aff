import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './fault.js';

const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

/**
 * Applies a transport fault to a request. Returns `true` when the fault answered (or killed) the
 * request, `false` when the emulator should go on: after a delay, or for the protocol-specific kinds
 * (`malformed`, `reject`) the emulator itself must speak.
 */
export async function applyTransportFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      await sleep(fault.ms);
      return false;
    case 'status':
      res.writeHead(fault.status, { 'content-type': 'text/html; charset=utf-8' }).end(fault.body ?? '');
      return true;
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML_PAGE);
      return true;
    case 'empty':
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end();
      return true;
    case 'garbage':
      res.writeHead(200, { 'content-type': 'text/plain' }).end(fault.body);
      return true;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'hang':
      // Never answered; the server's close() destroys the socket.
      return true;
    case 'malformed':
    case 'reject':
      return false;
  }
}
