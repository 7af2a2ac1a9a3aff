import { recordingHttpClient, startPayOnlineEmulator, type PayOnlineEmulator } from '@cardbind/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainAccount } from '../src/commands/merchant-account.js';
import { PayOnlineClient } from '../src/commands/payonline-client.js';
import { PayOnlineConfig } from '../src/config.js';
import { ENDPOINTS } from '../src/wire/endpoints.js';

let emulator: PayOnlineEmulator;
beforeAll(async () => {
  emulator = await startPayOnlineEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe('every PayOnline method names itself to the HTTP client (telemetry: cardbind.command)', () => {
  it('sends the method name with each request, the one whose endpoint it posts to', async () => {
    const config = PayOnlineConfig.parse({
      merchantId: emulator.merchantId,
      privateSecurityKey: emulator.privateSecurityKey,
      termUrl: 'http://127.0.0.1:9/payonline/3ds',
      baseUrl: emulator.baseUrl,
      allowLoopbackHttp: true,
    });
    const { http, sent } = recordingHttpClient('payonline');
    const client = new PayOnlineClient(config, http);
    const ignoreRefusal = (error: unknown): void => void error;
    await client.search('cb-commands');
    await client.voidTransaction('1').catch(ignoreRefusal);
    await client.rebill({
      rebillAnchor: 'unknown.anchor=',
      orderId: 'cb-commands-1',
      amount: '1.00',
      currency: 'RUB',
    });
    await client.refund(mainAccount(config), { transactionId: '1', amount: '1.00' });
    await client
      .completeThreeDs({ action: `${emulator.baseUrl}${ENDPOINTS.auth3ds}`, method: 'POST', fields: {} })
      .catch(ignoreRefusal);

    expect(sent.map((request) => request.command)).toEqual(['search', 'void', 'rebill', 'refund', 'auth3ds']);
    expect(sent.map((request) => new URL(request.url).pathname)).toEqual([
      ENDPOINTS.search,
      ENDPOINTS.void,
      ENDPOINTS.rebill,
      ENDPOINTS.refund,
      ENDPOINTS.auth3ds,
    ]);
    http.close();
  });
});
