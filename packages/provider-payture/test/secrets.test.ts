import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { captureFlow, expectNoSecrets, PAYTURE_MAGIC_CARDS, testCardSecrets } from '@cardbind/testing';
import { paytureModule } from '../src/index.js';
import { closeStores, STORE_KINDS } from './stores.js';
import {
  CUSTOMER_SECRET,
  expectedPassword,
  queryOf,
  sessionIdOf,
  startNotificationRoute,
  startWorld,
  type World,
} from './world.js';

const TERMINAL_PASSWORD = 'terminal-password-Zq8vX';
const CVV = '947';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});
afterAll(closeStores);

describe('no secret in the captured transcript of whole flows', () => {
  it.each(STORE_KINDS)(
    'on the %s store: terminal password, customer secret and password, DATA strings, card numbers and CVVs stay out',
    async (storeKind) => {
      const capture = captureFlow();
      world = await startWorld({
        storeKind,
        logger: capture.logger,
        emulator: { terminalPassword: TERMINAL_PASSWORD },
        config: { terminalPassword: TERMINAL_PASSWORD, verificationAmount: 1000 },
      });
      const route = await startNotificationRoute(world.service);
      const { service, emulator, config } = world;
      const customer = {
        id: 'secret-7',
        email: 'ivan@example.test',
        phone: '79001234567',
        ip: '203.0.113.7',
      };
      const start = (label: string) =>
        capture.track(label, () => service.start({ provider: 'payture', customer }));

      // 1. Success through the return URL.
      const first = await start('binding after start #1');
      const page = await emulator.completeAddSession(sessionIdOf(first.nextAction?.url), {
        number: PAYTURE_MAGIC_CARDS.success.number,
        cvv: CVV,
      });
      await capture.track('binding after finalise', () =>
        service.finalise(first.id, { query: queryOf(page.location) }),
      );

      // 2. Success through a notification, then duplicates.
      emulator.setNotificationUrl(route.url);
      const second = await start('binding after start #2');
      await emulator.completeAddSession(sessionIdOf(second.nextAction?.url), {
        number: PAYTURE_MAGIC_CARDS.mir.number,
        cvv: CVV,
      });
      await emulator.notificationsSettled();
      await emulator.replayNotification();
      capture.record('binding after notification', await service.get(second.id));

      // 3. A decline, notified and returned.
      const third = await start('binding after start #3');
      const declined = await emulator.completeAddSession(sessionIdOf(third.nextAction?.url), {
        number: PAYTURE_MAGIC_CARDS.decline.number,
        cvv: CVV,
      });
      await emulator.notificationsSettled();
      await capture.track('binding after decline', () =>
        service.finalise(third.id, { query: queryOf(declined.location) }),
      );

      // 4. Faults on every command the provider sends.
      for (const [command, fault] of [
        ['Check', { kind: 'html' }],
        ['GetList', { kind: 'garbage', body: 'This is not XML' }],
        ['Init', { kind: 'reject', code: 'ACCESS_DENIED' }],
        ['Init', { kind: 'malformed' }],
        ['Init', { kind: 'status', status: 500 }],
      ] as const) {
        emulator.faults.arm(command, fault, { times: 1 });
        await start(`start under ${fault.kind} on ${command}`).catch(() => undefined);
      }
      const fourth = await start('binding after start #4');
      emulator.faults.arm('GetList', { kind: 'reset' }, { times: 1 });
      await capture.track('finalise under reset', () => service.finalise(fourth.id)).catch(() => undefined);

      // What a database dump shows while both cards are saved. PostgreSQL only: the in-memory store holds
      // tokens in this process by design, and has no dump.
      const dumped = await world.testStore.dump?.();
      const savedCardIds = emulator.customers
        .get(`customer-${customer.id}`)
        ?.cards.map((card) => card.cardId);

      // 5. Cards listed and removed; a bad configuration refused.
      const cards = await capture.track('listCards', () => service.listCards(customer.id));
      for (const card of cards)
        await capture.track('removeCard', () => service.removeCard(customer.id, card.id));
      try {
        paytureModule({ ...config, baseUrl: 'http://payture.example.test' });
      } catch (error) {
        capture.record('config error', error);
      }
      await route.close();

      // The flow really ran: something to search.
      expect(capture.transcript.length).toBeGreaterThan(20);
      expect(capture.records.some((record) => record.label === 'config error')).toBe(true);
      const dataStrings = emulator.requests.flatMap((request) =>
        request.rawData === undefined ? [] : [request.rawData],
      );
      expect(dataStrings.length).toBeGreaterThan(10);
      // CardIds are charge tokens: the README promises the transcript shows none.
      const cardIds = emulator.requests.flatMap((request) =>
        request.command === 'Remove' && request.data['CardId'] ? [request.data['CardId']] : [],
      );
      expect(cardIds).toHaveLength(2);
      // The README promises the transcript shows the DATA field, redacted.
      expect(JSON.stringify(capture.transcript)).toContain('DATA=[REDACTED]');

      const secrets = [
        { name: 'terminal password', value: TERMINAL_PASSWORD },
        { name: 'customer secret', value: CUSTOMER_SECRET },
        { name: 'customer password', value: expectedPassword(customer.id) },
        { name: 'CVV', value: CVV },
        ...Object.entries(PAYTURE_MAGIC_CARDS).map(([name, card]) => ({
          name: `card ${name}`,
          value: card.number,
        })),
        ...testCardSecrets(),
        ...dataStrings.map((value, index) => ({ name: `DATA string #${index + 1}`, value })),
        ...cardIds.map((value, index) => ({ name: `CardId #${index + 1}`, value })),
      ];
      expectNoSecrets(capture, secrets);

      if (dumped !== undefined) {
        // The dump is worth reading: both cards (the tokens Remove later sent) and every binding are in it.
        expect(savedCardIds?.toSorted()).toEqual(cardIds.toSorted());
        expect(dumped.filter((row) => row.table === 'cards')).toHaveLength(2);
        expect(dumped.filter((row) => row.table === 'bindings').length).toBeGreaterThanOrEqual(4);
        const dump = captureFlow();
        for (const row of dumped) dump.record(row.where, row.text);
        expectNoSecrets(dump, [...secrets, ...world.testStore.secrets]);
      }
    },
  );

  it('the check itself can fail: a leaked password is found', async () => {
    const capture = captureFlow();
    capture.logger.info({ note: `psw is ${expectedPassword('x')}` }, 'oops');
    expect(() =>
      expectNoSecrets(capture, [{ name: 'customer password', value: expectedPassword('x') }]),
    ).toThrow(/customer password/);
  });
});
