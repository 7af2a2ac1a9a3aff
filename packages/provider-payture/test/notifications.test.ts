import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '@cardbind/testing';
import { ManualClock, PAYTURE_MAGIC_CARDS } from '@cardbind/testing';
import {
  expectedPassword,
  queryOf,
  sessionIdOf,
  startNotificationRoute,
  startWorld,
  type World,
  type WorldOptions,
} from './world.js';
import { closeStores, STORE_KINDS } from './stores.js';

const customer = { id: '42', ip: '203.0.113.7' };
const LOGIN = 'customer-42';

let world: World;
let route: RunningServer & { url: string };

afterEach(async () => {
  await world.emulator.notificationsSettled();
  await route.close();
  await world.close();
});
afterAll(closeStores);

async function startBinding() {
  const binding = await world.service.start({ provider: 'payture', customer });
  return { binding, sessionId: sessionIdOf(binding.nextAction?.url) };
}

/** What the host route answered Payture, per delivery. */
const answers = () => world.emulator.notifications.map((record) => record.deliveries.map((d) => d.status));

function post(fields: Record<string, string>) {
  return world.service.handleCallback('payture', { method: 'POST', body: fields });
}

describe.each(STORE_KINDS)('on the %s store', (storeKind) => {
  /** The emulator notifies the host's route (real HTTP) which hands each POST to service.handleCallback. */
  async function open(options: WorldOptions = {}): Promise<void> {
    world = await startWorld({ storeKind, ...options });
    route = await startNotificationRoute(world.service);
    world.emulator.setNotificationUrl(route.url);
  }

  describe('Payture notifications', () => {
    it('CustomerAddSuccess completes the binding after GetList confirms, without the customer returning', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      await world.emulator.notificationsSettled();
      expect(answers()).toEqual([[200]]);
      const done = await world.service.get(binding.id);
      expect(done.status).toBe('succeeded');
      expect(done.card?.display.maskedPan).toBe('411111******1111');
      expect(world.emulator.count('GetList')).toBe(2);
    });

    it('duplicates are harmless: same binding, one card, answered OK quickly without asking Payture again', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      await world.emulator.notificationsSettled();
      const first = await world.service.get(binding.id);
      const getLists = world.emulator.count('GetList');
      await Promise.all([world.emulator.replayNotification(0), world.emulator.replayNotification(0)]);
      expect(answers()).toEqual([[200], [200], [200]]);
      expect(await world.service.get(binding.id)).toEqual(first);
      expect(await world.service.listCards(customer.id)).toHaveLength(1);
      expect(world.emulator.count('GetList')).toBe(getLists);
    });

    it('a notification racing the return saves exactly one card', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      const results = await Promise.all([
        world.service.finalise(binding.id),
        world.service.checkOrder(binding.id),
        world.emulator.replayNotification(0),
        world.emulator.notificationsSettled(),
      ]);
      expect(results[0].status).toBe('succeeded');
      expect(results[1].card?.id).toBe(results[0].card?.id);
      expect(await world.service.listCards(customer.id)).toHaveLength(1);
    });

    it('CustomerAddFail after a decline keeps the binding open; the ErrCode is reported when the customer returns', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      const page = await world.emulator.completeAddSession(sessionId, {
        number: PAYTURE_MAGIC_CARDS.decline.number,
      });
      await world.emulator.notificationsSettled();
      // The session may allow another attempt: one declined attempt does not end the binding.
      expect((await world.service.get(binding.id)).status).toBe('requires_action');
      const query = Object.fromEntries(new URL(page.location ?? '').searchParams);
      expect(query['success']).toBe('False');
      const done = await world.service.finalise(binding.id, { query });
      expect(done.status).toBe('failed');
      expect(done.failure).toMatchObject({ code: 'CARD_DECLINED', providerCode: 'ISSUER_BLOCKED_CARD' });
    });

    it('a second attempt in the same session still binds after a CustomerAddFail', async () => {
      await open();
      world.emulator.setNotificationUrl(undefined);
      const { binding, sessionId } = await startBinding();
      await post({
        Notification: 'CustomerAddFail',
        SessionId: sessionId,
        VWUserLgn: LOGIN,
        ErrCode: 'ISSUER_BLOCKED_CARD',
      });
      expect((await world.service.get(binding.id)).status).toBe('requires_action');
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      expect((await world.service.finalise(binding.id)).status).toBe('succeeded');
    });

    it.each(['LIMIT_EXCHAUST', 'ORDER_TIME_OUT', 'CANCELED_BY_CLIENT'])(
      'a forged CustomerAddFail (%s) while Payture’s page is open changes nothing: the card the customer then adds is saved',
      async (code) => {
        await open();
        const { binding, sessionId } = await startBinding();
        const forged = await post({
          Notification: 'CustomerAddFail',
          Success: 'False',
          SessionId: sessionId,
          VWUserLgn: LOGIN,
          ErrCode: code,
        });
        expect(forged.response).toMatchObject({ status: 200, body: 'OK' });
        expect((await world.service.get(binding.id)).status).toBe('requires_action');
        expect(world.emulator.sessions.get(sessionId)?.state).toBe('open');

        const page = await world.emulator.completeAddSession(sessionId, {
          number: PAYTURE_MAGIC_CARDS.success.number,
        });
        await world.emulator.notificationsSettled();
        const done = await world.service.finalise(binding.id, { query: queryOf(page.location) });
        expect(done.status).toBe('succeeded');
        expect(done.failure).toBeUndefined();
        expect(await world.service.listCards(customer.id)).toHaveLength(1);
      },
    );

    it('a real session-closing CustomerAddFail is reported once the customer comes back with success=False', async () => {
      await open({ emulator: { attemptsCount: 1 } });
      const { binding, sessionId } = await startBinding();
      // One attempt allowed, a number failing Luhn: Payture closes the session with LIMIT_EXCHAUST.
      const page = await world.emulator.completeAddSession(sessionId, { number: '4111111111111112' });
      await world.emulator.notificationsSettled();
      expect(world.emulator.notifications[0]?.fields['ErrCode']).toBe('LIMIT_EXCHAUST');
      expect((await world.service.get(binding.id)).status).toBe('requires_action');
      const done = await world.service.finalise(binding.id, { query: queryOf(page.location) });
      expect(done.status).toBe('failed');
      expect(done.failure).toMatchObject({ code: 'CARD_DECLINED', providerCode: 'LIMIT_EXCHAUST' });
    });

    it('a real session-closing CustomerAddFail is reported when the session’s lifetime ends, if the customer never comes back', async () => {
      const clock = new ManualClock(Date.UTC(2026, 4, 1, 12));
      await open({ clock, emulator: { attemptsCount: 1 } });
      const { binding, sessionId } = await startBinding();
      await world.emulator.completeAddSession(sessionId, { number: '4111111111111112' });
      await world.emulator.notificationsSettled();
      expect((await world.service.checkOrder(binding.id)).status).toBe('requires_action');
      await clock.advance(60 * 60_000);
      const over = await world.service.checkOrder(binding.id);
      expect(over.status).toBe('failed');
      expect(over.failure?.providerCode).toBe('LIMIT_EXCHAUST');
    });

    it('a CustomerAddFail claim loses to a new card GetList shows', async () => {
      await open();
      world.emulator.setNotificationUrl(undefined);
      const { binding, sessionId } = await startBinding();
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      const outcome = await post({
        Notification: 'CustomerAddFail',
        SessionId: sessionId,
        VWUserLgn: LOGIN,
        ErrCode: 'FRAUD_ERROR',
      });
      expect(outcome.binding?.status).toBe('succeeded');
      expect((await world.service.get(binding.id)).status).toBe('succeeded');
    });

    it('a CustomerAddFail ErrCode that is no Payture code is not stored in the binding', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      const junk = '<script>alert(1)</script> 4111111111111111';
      await post({ Notification: 'CustomerAddFail', SessionId: sessionId, VWUserLgn: LOGIN, ErrCode: junk });
      const failed = await world.service.finalise(binding.id, { query: { success: 'False' } });
      expect(failed.status).toBe('failed');
      expect(failed.failure).toMatchObject({ code: 'NO_ELIGIBLE_CARD' });
      expect(failed.failure?.providerCode).toBeUndefined();
      expect(JSON.stringify(await world.store.get(binding.id))).not.toContain('script');
    });

    it('a forged CustomerAddSuccess with no card at Payture changes nothing', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      const outcome = await post({
        Notification: 'CustomerAddSuccess',
        Success: 'True',
        SessionId: sessionId,
        VWUserLgn: LOGIN,
        CardId: 'forged',
      });
      expect(outcome.response).toMatchObject({ status: 200, body: 'OK' });
      expect((await world.service.get(binding.id)).status).toBe('requires_action');
    });

    it('a forged CustomerAddSuccess naming no card cannot save the customer’s old card; naming its CardId can', async () => {
      await open();
      world.emulator.customers.register(LOGIN, expectedPassword('42'));
      const old = world.emulator.customers.addCard(LOGIN, { number: PAYTURE_MAGIC_CARDS.success.number });
      const { binding, sessionId } = await startBinding();
      await post({ Notification: 'CustomerAddSuccess', SessionId: sessionId });
      expect((await world.service.get(binding.id)).status).toBe('requires_action');
      // The customer re-entered the card Payture already had; the notification names its CardId.
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      await world.emulator.notificationsSettled();
      expect(world.emulator.notifications[0]?.fields['CardId']).toBe(old);
      expect((await world.service.get(binding.id)).status).toBe('succeeded');
    });

    it('an unknown SessionId, another event or a login mismatch is answered OK and changes nothing', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      const before = await world.service.get(binding.id);
      const claims: Record<string, string>[] = [
        {
          Notification: 'CustomerAddFail',
          SessionId: '00000000-0000-0000-0000-000000000000',
          ErrCode: 'FRAUD_ERROR',
        },
        { Notification: 'CustomerPaySuccess', SessionId: sessionId },
        {
          Notification: 'CustomerAddFail',
          SessionId: sessionId,
          VWUserLgn: 'customer-666',
          ErrCode: 'FRAUD_ERROR',
        },
        { Notification: 'CustomerAddFail' },
        {},
      ];
      for (const fields of claims) {
        const outcome = await post(fields);
        expect(outcome.response).toEqual({
          status: 200,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: 'OK',
        });
        expect(outcome.binding).toBeUndefined();
      }
      expect(await world.service.get(binding.id)).toEqual(before);
      expect(world.emulator.count('GetList')).toBe(1);
    });

    it('when GetList fails the host answers 503 and Payture’s retry completes the binding', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      world.emulator.faults.arm('GetList', { kind: 'html' }, { times: 1 });
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      await world.emulator.notificationsSettled();
      expect(answers()).toEqual([[503, 200]]);
      expect((await world.service.get(binding.id)).status).toBe('succeeded');
    });
  });
});
