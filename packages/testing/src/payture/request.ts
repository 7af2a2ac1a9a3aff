import type { IncomingMessage } from 'node:http';
import { readBody } from '../http/read-request.js';

/**
 * The fields of a vwapi request: the query string and a form body merged (the body wins), whatever the
 * method. Payture's own Node SDK (Payture/NodeJS-Payture-official, `apiLib/Ewallet.js`: getCardList and
 * payStatus) sends GetList and PayStatus as GET with VWID and Data in a form body, and third-party
 * clients put DATA in the query (payture.md, "Transport"): an emulator that read a GET's query only
 * answered ACCESS_DENIED (no VWID) where Payture answers the command.
 */
export async function readVwapiFields(
  req: IncomingMessage,
): Promise<{ path: string; fields: Record<string, string> }> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const fields: Record<string, string> = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  for (const [key, value] of new URLSearchParams(body)) fields[key] = value;
  return { path: url.pathname, fields };
}

/**
 * Decodes vwapi's DATA field (after the form layer decoded it once): `Key=Value;Key=Value`, split on
 * `;`, key from value at the FIRST `=` (a `Url` value holds `=` and `&`). Values are percent-decoded
 * once more, so Payture's own twice-encoded form and the once-encoded form both read the same; a value
 * that is not valid percent-encoding is kept as it came.
 */
export function decodeData(data: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of data.split(';')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    const value = at < 0 ? '' : pair.slice(at + 1);
    fields[key.trim()] = percentDecode(value);
  }
  return fields;
}

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
