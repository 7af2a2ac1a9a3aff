import { createHmac } from 'node:crypto';
import type { PaytureEmulator } from '@cardbind/testing/emulators';
import type { FormPoster } from './form-poster.js';

/**
 * A Payture card binding written directly against the wire, the way a host without cardbind would:
 * DATA built by hand, answers read with regular expressions, no validation, no state machine, no
 * store. It makes the requests the Payture provider makes (Check, GetList, Init, the page, GetList)
 * — or, with `cardsBefore: false`, Behind-API's shorter Payture flow without the GetList before Init.
 */
export interface DirectFlowOptions {
  emulator: PaytureEmulator;
  poster: FormPoster;
  secret: string;
  returnUrl: string;
  ip: string;
  cardsBefore: boolean;
}

const SUCCESS = /\bSuccess="true"/i;
const SESSION_ID = /\bSessionId="([^"]+)"/;
const CARD_ID = /<Item\b[^>]*\bCardId="([^"]+)"/g;

export function paytureLogin(customerId: string): string {
  return `customer-${customerId}`;
}

/** The provider's default password scheme (HMAC-SHA-256 of the customer id, hex, 50 characters). */
export function paytureCustomerPassword(secret: string, customerId: string): string {
  return createHmac('sha256', secret).update(customerId, 'utf8').digest('hex').slice(0, 50);
}

/** vwapi's DATA field, `Key=Value;Key=Value` with each value percent-encoded once. */
export function data(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join(';');
}

export async function directBinding(options: DirectFlowOptions, customerId: string): Promise<string> {
  const { emulator, poster } = options;
  const credentials = {
    VWUserLgn: paytureLogin(customerId),
    VWUserPsw: paytureCustomerPassword(options.secret, customerId),
  };
  const call = async (command: string, fields: Record<string, string>): Promise<string> => {
    const answer = await poster.post(`${emulator.baseUrl}/vwapi/${command}`, {
      VWID: emulator.addTerminal,
      DATA: data(fields),
    });
    if (answer.statusCode !== 200 || !SUCCESS.test(answer.body)) throw new Error(`${command} failed`);
    return answer.body;
  };
  const cardIds = (list: string): string[] => [...list.matchAll(CARD_ID)].map((match) => match[1] ?? '');

  await call('Check', credentials);
  const before = options.cardsBefore ? new Set(cardIds(await call('GetList', credentials))) : new Set();
  const init = await call('Init', {
    SessionType: 'Add',
    ...credentials,
    IP: options.ip,
    Url: `${options.returnUrl}?orderid={orderid}&success={success}`,
  });
  const sessionId = SESSION_ID.exec(init)?.[1];
  if (!sessionId) throw new Error('Init answered no SessionId');
  const page = await emulator.completeAddSession(sessionId, { number: '4111111111111111' });
  if (page.status !== 302) throw new Error(`the Add page answered ${page.status}`);
  const card = cardIds(await call('GetList', credentials)).find((cardId) => !before.has(cardId));
  if (!card) throw new Error('no new card');
  return card;
}
