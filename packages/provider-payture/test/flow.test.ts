import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock, PAYTURE_MAGIC_CARDS } from '@cardbind/testing';
import {
  expectedPassword,
  queryOf,
  RETURN_URL,
  sessionIdOf,
  startWorld,
  type World,
  type WorldOptions,
} from './world.js';
import { closeStores, STORE_KINDS } from './stores.js';

const customer = { id: '42', email: 'ivan@example.test', phone: '+7 900 123-45-67', ip: '203.0.113.7' };
const LOGIN = 'customer-42';

let world: World;
afterEach(async () => world.close());
afterAll(closeStores);

async function startBinding(extra: { returnUrl?: string } = {}) {
  const binding = await world.service.start({ provider: 'payture', customer, ...extra });
  return { binding, sessionId: sessionIdOf(binding.nextAction?.url) };
}

// Every flow on each store: what the provider keeps in providerRef and the saved card must survive a
// real database's round trip (JSON columns, encrypted tokens), not only an in-memory object.
describe.each(STORE_KINDS)('on the %s store', (storeKind) => {
  async function open(options: WorldOptions = {}): Promise<World> {
    world = await startWorld({ storeKind, ...options });
    return world;
  }

  describe('Payture flow against the emulator, in a real container', () => {
    it('start → hosted page → return → finalise saves the new card', async () => {
      const clock = new ManualClock(Date.UTC(2026, 4, 1, 12));
      await open({ clock });
      const { binding, sessionId } = await startBinding();

      expect(binding.status).toBe('requires_action');
      expect(binding.nextAction).toEqual({
        type: 'redirect',
        url: `${world.emulator.baseUrl}/vwapi/Add?SessionId=${sessionId}`,
        method: 'GET',
      });
      expect(binding.expiresAt).toEqual(new Date(Date.UTC(2026, 4, 1, 13)));
      expect(world.emulator.requests.map((request) => request.command)).toEqual([
        'Check',
        'Register',
        'GetList',
        'Init',
      ]);
      const init = world.emulator.requests.find((request) => request.command === 'Init');
      expect(init?.data).toMatchObject({
        SessionType: 'Add',
        VWUserLgn: LOGIN,
        IP: '203.0.113.7',
        Url: `${RETURN_URL}?binding=${binding.id}&orderid={orderid}&success={success}`,
      });

      // The customer on the hosted page, over real HTTP.
      const page = await world.emulator.completeAddSession(sessionId, {
        number: PAYTURE_MAGIC_CARDS.success.number,
        expiry: '07/29',
        holder: 'Ivan Ivanov',
      });
      expect(page.status).toBe(302);
      const query = queryOf(page.location);
      expect(query).toEqual({ binding: binding.id, orderid: '', success: 'True' });

      const done = await world.service.finalise(query['binding'] ?? '', { query });
      expect(done.status).toBe('succeeded');
      expect(done.card?.display).toEqual({
        maskedPan: '411111******1111',
        holder: 'IVAN IVANOV',
        expiry: '07/29',
        brand: 'Visa',
      });
      const cardId = world.emulator.customers.get(LOGIN)?.cards[0]?.cardId ?? 'missing';
      const stored = await world.store.listCards(customer.id);
      expect(stored.map((card) => card.token)).toEqual([cardId]);
      // CardId stays server-side: not in the binding, the card list, nor the stored binding's ref.
      const cards = await world.service.listCards(customer.id);
      expect(JSON.stringify([done, cards, await world.service.get(binding.id)])).not.toContain(cardId);
      expect(JSON.stringify((await world.store.get(binding.id))?.providerRef)).not.toContain(cardId);
    });

    it('remembers login, SessionId and cards-before in providerRef, never a password; SessionId is the lookup key', async () => {
      await open();
      world.emulator.customers.register(LOGIN, expectedPassword('42'));
      const oldCard = world.emulator.customers.addCard(LOGIN, { number: PAYTURE_MAGIC_CARDS.mir.number });
      const { binding, sessionId } = await startBinding();
      const record = await world.store.get(binding.id);
      expect(record?.providerRef).toEqual({
        login: LOGIN,
        sessionId,
        cardsBeforeInit: [expect.stringMatching(/^[0-9a-f]{32}$/)],
      });
      expect(JSON.stringify(record)).not.toContain(expectedPassword('42'));
      expect(JSON.stringify(record)).not.toContain(oldCard);
      expect(record?.lookupKeys).toEqual([sessionId]);
      expect((await world.store.findByLookupKey('payture', sessionId))?.id).toBe(binding.id);
    });

    it('Check → Register for a new customer with the derived password; an existing one is only checked', async () => {
      await open();
      await startBinding();
      expect(world.emulator.customers.get(LOGIN)).toMatchObject({
        login: LOGIN,
        password: expectedPassword('42'),
        phone: '79001234567',
        email: 'ivan@example.test',
      });
      expect([world.emulator.count('Check'), world.emulator.count('Register')]).toEqual([1, 1]);
      await startBinding();
      expect([world.emulator.count('Check'), world.emulator.count('Register')]).toEqual([2, 1]);
    });

    it.each([false, true])(
      'Register answering DUPLICATE_CUSTOMER counts as success (legacy names: %s)',
      async (legacyErrorCodes) => {
        await open({ emulator: { legacyErrorCodes } });
        world.emulator.customers.register(LOGIN, expectedPassword('42'));
        // Check says "not found" although the customer exists (a race with another process).
        world.emulator.faults.arm(
          'Check',
          { kind: 'reject', code: legacyErrorCodes ? 'USER_NOT_FOUND' : 'CUSTOMER_NOT_FOUND' },
          { times: 1 },
        );
        const { binding } = await startBinding();
        expect(binding.status).toBe('requires_action');
        expect(world.emulator.count('Register')).toBe(1);
        expect(world.emulator.customers.list()).toHaveLength(1);
      },
    );

    it('a customer registered with another password is refused with PROVIDER_REJECTED (ACCESS_DENIED)', async () => {
      await open();
      world.emulator.customers.register(LOGIN, 'someone-elses-password');
      await expect(startBinding()).rejects.toMatchObject({
        code: 'PROVIDER_REJECTED',
        providerCode: 'ACCESS_DENIED',
      });
    });

    it('Behind-API’s MD5 credentials keep working with legacyMd5Salt', async () => {
      await open({ config: { customerCredentials: { legacyMd5Salt: 'seed-salt' } } });
      const { createHash } = await import('node:crypto');
      world.emulator.customers.register(LOGIN, createHash('md5').update('42seed-salt').digest('hex'));
      const { binding } = await startBinding();
      expect(binding.status).toBe('requires_action');
      expect(world.emulator.count('Register')).toBe(0);
    });

    it('sends the verification amount with the binding id as OrderId, returned in {orderid}', async () => {
      await open({ config: { verificationAmount: 1000, templateTag: 'Mobile', language: 'EN' } });
      const { binding, sessionId } = await startBinding();
      expect(world.emulator.requests.find((request) => request.command === 'Init')?.data).toMatchObject({
        OrderId: binding.id,
        Amount: '1000',
        TemplateTag: 'Mobile',
        Language: 'EN',
      });
      expect((await world.store.get(binding.id))?.providerRef['orderId']).toBe(binding.id);
      const page = await world.emulator.completeAddSession(sessionId, {
        number: PAYTURE_MAGIC_CARDS.success.number,
      });
      expect(queryOf(page.location)['orderid']).toBe(binding.id);
    });

    it('uses start()’s returnUrl over the configured one and refuses an insecure one', async () => {
      await open();
      await startBinding({ returnUrl: 'https://other.example.test/back?x=1' });
      expect(world.emulator.requests.find((request) => request.command === 'Init')?.data['Url']).toBe(
        'https://other.example.test/back?x=1&binding=bnd_1&orderid={orderid}&success={success}',
      );
      await expect(startBinding({ returnUrl: 'http://other.example.test/back' })).rejects.toMatchObject({
        code: 'INSECURE_URL',
      });
    });

    it('needs the customer IP or a configured default', async () => {
      await open();
      await expect(
        world.service.start({ provider: 'payture', customer: { id: '42' } }),
      ).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        field: 'customer.ip',
      });
      await world.close();
      await open({ config: { defaultCustomerIp: '198.51.100.1' } });
      await world.service.start({ provider: 'payture', customer: { id: '42' } });
      expect(world.emulator.requests.find((request) => request.command === 'Init')?.data['IP']).toBe(
        '198.51.100.1',
      );
    });
  });

  describe('card selection in the flow', () => {
    it('saves the new card, not the customer’s older eligible one', async () => {
      await open();
      world.emulator.customers.register(LOGIN, expectedPassword('42'));
      world.emulator.customers.addCard(LOGIN, { number: PAYTURE_MAGIC_CARDS.mir.number });
      const { binding, sessionId } = await startBinding();
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      const done = await world.service.finalise(binding.id);
      expect(done.card?.display.maskedPan).toBe('411111******1111');
    });

    it('re-entering a card Payture already had: the return alone saves nothing, the binding ends without a card at the deadline', async () => {
      const clock = new ManualClock(Date.UTC(2026, 4, 1, 12));
      await open({ clock });
      world.emulator.customers.register(LOGIN, expectedPassword('42'));
      world.emulator.customers.addCard(LOGIN, { number: PAYTURE_MAGIC_CARDS.noCvv.number });
      world.emulator.customers.addCard(LOGIN, { number: PAYTURE_MAGIC_CARDS.success.number });
      const { binding, sessionId } = await startBinding();
      const page = await world.emulator.completeAddSession(sessionId, {
        number: PAYTURE_MAGIC_CARDS.success.number,
      });
      // Payture keeps one CardId per number: GetList shows nothing new, and only Payture's
      // CustomerAddSuccess naming that CardId (test/notifications.test.ts) may save it. None is set up here.
      expect(world.emulator.customers.get(LOGIN)?.cards).toHaveLength(2);
      expect((await world.service.checkOrder(binding.id)).status).toBe('requires_action');
      const back = await world.service.finalise(binding.id, { query: queryOf(page.location) });
      expect(back.status).toBe('processing');
      await clock.advance(60 * 60_000);
      const over = await world.service.checkOrder(binding.id);
      // Nothing new reached the wallet: the binding runs out with Payture's session.
      expect(over.status).toBe('expired');
      expect(over.failure?.code).toBe('BINDING_EXPIRED');
      expect(await world.service.listCards(customer.id)).toEqual([]);
    });

    it.each(['noCvv', 'expired', 'needsActivation'] as const)(
      'a new %s card is not saved: processing while the session lasts, NO_ELIGIBLE_CARD once it is over',
      async (name) => {
        const clock = new ManualClock(Date.UTC(2026, 4, 1, 12));
        await open({ clock });
        const { binding, sessionId } = await startBinding();
        const page = await world.emulator.completeAddSession(sessionId, {
          number: PAYTURE_MAGIC_CARDS[name].number,
        });
        expect(queryOf(page.location)['success']).toBe('True');
        const back = await world.service.finalise(binding.id, { query: queryOf(page.location) });
        expect(back.status).toBe('processing');
        expect(back.card).toBeUndefined();
        await clock.advance(60 * 60_000);
        const over = await world.service.checkOrder(binding.id);
        expect(over.status).toBe('failed');
        expect(over.failure?.code).toBe('NO_ELIGIBLE_CARD');
        expect(await world.service.listCards(customer.id)).toEqual([]);
      },
    );
  });

  describe('the return URL is never proof', () => {
    it('a forged success=True with no card at Payture does not succeed', async () => {
      await open();
      const { binding } = await startBinding();
      const forged = await world.service.finalise(binding.id, {
        query: { binding: binding.id, orderid: '', success: 'True' },
      });
      expect(forged.status).toBe('processing');
      expect(forged.card).toBeUndefined();
      expect(world.emulator.count('GetList')).toBe(2);
      expect(await world.service.listCards(customer.id)).toEqual([]);
    });

    it('a forged success=True never saves a card the customer already had at Payture', async () => {
      await open();
      world.emulator.customers.register(LOGIN, expectedPassword('42'));
      world.emulator.customers.addCard(LOGIN, { number: PAYTURE_MAGIC_CARDS.success.number });
      const { binding, sessionId } = await startBinding();
      // Before the Add page was even opened: Behind-API's card rule would save the old card here.
      const forged = await world.service.finalise(binding.id, {
        query: { binding: binding.id, orderid: '', success: 'True' },
      });
      expect(forged.status).toBe('processing');
      expect(forged.card).toBeUndefined();
      expect(await world.service.listCards(customer.id)).toEqual([]);
      // The page is still open: the card the customer then adds is the one saved.
      const page = await world.emulator.completeAddSession(sessionId, {
        number: PAYTURE_MAGIC_CARDS.mir.number,
      });
      const done = await world.service.finalise(binding.id, { query: queryOf(page.location) });
      expect(done.status).toBe('succeeded');
      expect(done.card?.display.maskedPan).toBe('220000******0004');
    });

    it('a decline comes back with success=False: the binding fails without a card', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      const page = await world.emulator.completeAddSession(sessionId, {
        number: PAYTURE_MAGIC_CARDS.decline.number,
      });
      const done = await world.service.finalise(binding.id, { query: queryOf(page.location) });
      expect(done.status).toBe('failed');
      expect(done.failure?.code).toBe('NO_ELIGIBLE_CARD');
    });

    it('success=False cannot fail a binding whose new card GetList shows', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      const done = await world.service.finalise(binding.id, { query: { success: 'False' } });
      expect(done.status).toBe('succeeded');
    });
  });

  describe('slow results, polling and the session lifetime', () => {
    it('a return that beats the card: processing, then waitForCompletion picks it up', async () => {
      const clock = new ManualClock(Date.UTC(2026, 4, 1, 12), { autoAdvance: true });
      await open({ clock, emulator: { slowCloseMs: 60_000 } });
      const { binding, sessionId } = await startBinding();
      const page = await world.emulator.completeAddSession(sessionId, {
        number: PAYTURE_MAGIC_CARDS.slowClose.number,
      });
      expect((await world.service.finalise(binding.id, { query: queryOf(page.location) })).status).toBe(
        'processing',
      );
      const polls = world.emulator.count('GetList');
      expect((await world.service.checkOrder(binding.id)).status).toBe('processing');
      world.emulator.settleSlowCards();
      const done = await world.service.waitForCompletion(binding.id, { timeoutMs: 60_000 });
      expect(done.status).toBe('succeeded');
      expect(done.card?.display.maskedPan).toBe('555555******4444');
      expect(world.emulator.count('GetList')).toBeGreaterThan(polls + 1);
    });

    it("nobody completes: waitForCompletion ends the binding at Payture's session end, not before", async () => {
      const clock = new ManualClock(Date.UTC(2026, 4, 1, 12), { autoAdvance: true });
      await open({ clock });
      const { binding } = await startBinding();
      // The Add page lives 60 minutes (Payture's default): a 5-minute wait must leave the binding open.
      expect(binding.expiresAt.getTime() - binding.createdAt.getTime()).toBe(60 * 60_000);
      const early = await world.service.waitForCompletion(binding.id, { timeoutMs: 5 * 60_000 });
      expect(early.status).toBe('requires_action');
      const done = await world.service.waitForCompletion(binding.id);
      // The customer never finished: the binding runs out with Payture's session.
      expect(done.status).toBe('expired');
      expect(done.failure?.code).toBe('BINDING_EXPIRED');
      expect(done.updatedAt.getTime()).toBeGreaterThanOrEqual(binding.expiresAt.getTime());
    });

    it('past the session lifetime the page is refused and the binding fails without a card', async () => {
      const clock = new ManualClock(Date.UTC(2026, 4, 1, 12));
      await open({ clock, emulator: { sessionLifetimeMinutes: 20 } });
      const { binding, sessionId } = await startBinding();
      // Init's SessionLifeTime (20) wins over the configured 60.
      expect(binding.expiresAt).toEqual(new Date(Date.UTC(2026, 4, 1, 12, 20)));
      await clock.advance(20 * 60_000);
      expect(
        (await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number }))
          .status,
      ).toBe(410);
      const done = await world.service.finalise(binding.id);
      expect(done.status).toBe('failed');
      expect(done.failure?.code).toBe('NO_ELIGIBLE_CARD');
    });

    it('a card added in the last second is still saved after the deadline', async () => {
      const clock = new ManualClock(Date.UTC(2026, 4, 1, 12));
      await open({ clock });
      const { binding, sessionId } = await startBinding();
      await clock.advance(60 * 60_000 - 1_000);
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      await clock.advance(2_000);
      expect((await world.service.finalise(binding.id)).status).toBe('succeeded');
    });
  });

  describe('removing a card', () => {
    it('Remove at Payture with the CardId, then out of the store', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      const done = await world.service.finalise(binding.id);
      const cardId = done.card?.id ?? 'missing';
      const token = (await world.store.listCards(customer.id))[0]?.token;
      await world.service.removeCard(customer.id, cardId);
      expect(world.emulator.requests.find((request) => request.command === 'Remove')?.data).toMatchObject({
        VWUserLgn: LOGIN,
        VWUserPsw: expectedPassword('42'),
        CardId: token,
      });
      expect(world.emulator.customers.get(LOGIN)?.cards).toEqual([]);
      expect(await world.service.listCards(customer.id)).toEqual([]);
      await expect(world.service.removeCard(customer.id, cardId)).rejects.toMatchObject({
        code: 'CARD_NOT_FOUND',
      });
    });

    it('a card Payture no longer has is removed here all the same', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      const done = await world.service.finalise(binding.id);
      const token = (await world.store.listCards(customer.id))[0]?.token ?? '';
      world.emulator.customers.removeCard(LOGIN, token);
      await world.service.removeCard(customer.id, done.card?.id ?? '');
      expect(await world.service.listCards(customer.id)).toEqual([]);
    });

    it('a Payture outage keeps the card', async () => {
      await open();
      const { binding, sessionId } = await startBinding();
      await world.emulator.completeAddSession(sessionId, { number: PAYTURE_MAGIC_CARDS.success.number });
      const done = await world.service.finalise(binding.id);
      world.emulator.faults.arm('Remove', { kind: 'status', status: 503 });
      await expect(world.service.removeCard(customer.id, done.card?.id ?? '')).rejects.toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
      });
      expect(await world.service.listCards(customer.id)).toHaveLength(1);
    });
  });
});
