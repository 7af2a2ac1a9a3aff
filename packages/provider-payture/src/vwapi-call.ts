import type { HttpClient, Logger } from '@cardbind/core';
import type { PaytureCommand, RawResponse } from './wire.js';

export interface VwapiTransport {
  baseUrl: string;
  http: HttpClient;
  logger: Logger;
}

/**
 * POSTs one vwapi command as a form (`application/x-www-form-urlencoded`, payture.md "Transport").
 * The debug line names the fields sent, never their values: DATA and the 3-D Secure fields hold
 * passwords, card tokens and PaRes. Only commands marked safe are ever repeated by the HTTP client.
 */
export async function postVwapi(
  transport: VwapiTransport,
  command: PaytureCommand,
  form: Record<string, string>,
  options: { safeToRetry: boolean; dataKeys?: readonly string[] },
): Promise<RawResponse> {
  transport.logger.debug(
    {
      provider: 'payture',
      command,
      formKeys: Object.keys(form),
      ...(options.dataKeys === undefined ? {} : { dataKeys: options.dataKeys }),
    },
    `payture ${command}`,
  );
  return transport.http.request({
    method: 'POST',
    url: `${transport.baseUrl}/vwapi/${command}`,
    form,
    safeToRetry: options.safeToRetry,
  });
}
