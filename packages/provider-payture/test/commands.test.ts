import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '@cardbind/core';
import {
  PAYTURE_MAGIC_CARDS,
  recordingHttpClient,
  startPaytureEmulator,
  type PaytureEmulator,
} from '@cardbind/testing';
import { PaytureClient } from '../src/commands/payture-client.js';

let emulator: PaytureEmulator;
beforeAll(async () => {
  emulator = await startPaytureEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe('every vwapi command names itself to the HTTP client (telemetry: cardbind.command)', () => {
  it('sends the command name with each request, the same as the URL it posts to', async () => {
    const { http, sent } = recordingHttpClient('payture');
    const client = new PaytureClient({
      baseUrl: emulator.baseUrl,
      addTerminal: emulator.addTerminal,
      terminalPassword: new Secret(emulator.terminalPassword),
      payTerminal: emulator.payTerminal,
      payTerminalPassword: new Secret(emulator.payTerminalPassword),
      http,
    });
    const credentials = { login: 'customer-commands', password: new Secret('commands-password') };
    await client.ensureCustomer(credentials);
    await client.getList(credentials);
    await client.initAddSession({ credentials, ip: '203.0.113.7' });
    const cardId = emulator.customers.addCard(credentials.login, {
      number: PAYTURE_MAGIC_CARDS.success.number,
    });
    await client.pay({ credentials, cardId, orderId: 'order-commands', kopecks: '1000' });
    await client.getState('order-commands');
    await client.refund({ orderId: 'order-commands', kopecks: '500' });
    await client.submit3DS({ md: 'unknown-md', paRes: 'unknown-pares' });
    await client.remove(credentials, cardId);
    await client.deleteCustomer(credentials.login);

    expect(sent.map((request) => request.command)).toEqual([
      'Check',
      'Register',
      'GetList',
      'Init',
      'Pay',
      'GetState',
      'Refund',
      'PaySubmit3DS',
      'Remove',
      'Delete',
    ]);
    for (const request of sent) expect(request.url).toBe(`${emulator.baseUrl}/vwapi/${request.command}`);
    http.close();
  });
});
