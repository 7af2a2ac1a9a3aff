import { CardBindingError } from '@cardbind/core';
import { payOnlineDateTime, payOnlineSecurityKey, readHtmlForm, TEST_CARDS } from '@cardbind/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildAcsForm } from '../src/client/index.js';
import { payonlineModule } from '../src/index.js';
import { CUSTOMER, formAction, type HarnessOptions, type PayOnlineHarness, startHarness } from './harness.js';
import { closeStores, STORE_KINDS } from './stores.js';

/**
 * Issue "07 Security", PayOnline: where the saved token may come from, who may complete a 3-D Secure
 * transaction, and which callbacks count. Each test here failed before its fix.
 */

let harness: PayOnlineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(closeStores);

const OTHER_CUSTOMER = { id: 'cust-2', email: 'maria@example.test', ip: '203.0.113.8' } as const;

function conflictLogs(h: PayOnlineHarness) {
  return h.captured.logs.filter((line) => line.fields['event'] === 'payonline.callback_conflict');
}

describe.each(STORE_KINDS)('on the %s store', (storeKind) => {
  async function setup(options: HarnessOptions = {}): Promise<PayOnlineHarness> {
    harness = await startHarness({ storeKind, ...options });
    return harness;
  }

  describe('item 1: the saved token never comes from the app', () => {
    it("an app report that beats the callback moves the binding to processing and saves nothing; PayOnline's callback then saves its own anchor", async () => {
      const h = await setup();
      // The callback's first delivery is lost: the app reports first.
      h.emulator.faults.arm('callback', { kind: 'reset' }, { times: 1 });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const submitted = await h.submit(binding.nextAction, TEST_CARDS.success);
      if (submitted.kind !== 'accepted') throw new Error('expected accepted');
      await h.emulator.callbacksSettled();

      const reported = await h.service.finalise(binding.id, {
        query: {
          transactionId: submitted.transactionId,
          rebillAnchor: 'chosen-by-the-app',
          maskedPan: '555555******4444',
        },
      });
      expect(reported.status).toBe('processing');
      expect(reported.card).toBeUndefined();
      expect(await h.store.listCards(CUSTOMER.id)).toEqual([]);

      // PayOnline delivers the callback again: the binding is still open, so it is accepted and decides.
      await h.emulator.resendCallback(submitted.transactionId);
      const done = await h.service.get(binding.id);
      expect(done.status).toBe('succeeded');
      expect(done.card?.display).toEqual({
        maskedPan: '************1111',
        holder: TEST_CARDS.success.holder,
      });
      const [transaction] = h.emulator.order(formAction(binding.nextAction).orderId);
      const saved = await h.store.listCards(CUSTOMER.id);
      expect(saved.map((card) => card.token)).toEqual([transaction?.rebillAnchor]);
    });

    it('with the callback lost for good, a report that Search confirms still saves no card: the binding expires', async () => {
      const h = await setup();
      h.emulator.faults.arm('callback', { kind: 'reset' });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const submitted = await h.submit(binding.nextAction, TEST_CARDS.success);
      if (submitted.kind !== 'accepted') throw new Error('expected accepted');

      const reported = await h.service.finalise(binding.id, {
        query: { ...submitted.hostReport, rebillAnchor: submitted.rebillAnchor ?? 'chosen-by-the-app' },
      });
      expect(reported.status).toBe('processing');
      const done = await h.service.waitForCompletion(binding.id);
      expect(done.status).toBe('expired');
      expect(await h.store.listCards(CUSTOMER.id)).toEqual([]);
      await h.service.settled();
      // The 1.00 PayOnline took is released, as for any binding that ends without a card.
      expect(h.emulator.requestsTo('void')).toHaveLength(1);
    });

    it("server-mode 3-D Secure: PayOnline's answer to the host is a verified source when the callback is lost", async () => {
      const h = await setup({ config: { threeDsMode: 'server' } });
      h.emulator.faults.arm('callback', { kind: 'reset' });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const challenge = await h.submit(binding.nextAction, TEST_CARDS.threeDSecure);
      if (challenge.kind !== '3ds') throw new Error('expected 3-DS');
      const back = await bankReturn(h, challenge, h.emulator.otp);
      expect((await h.post(back.action, back.fields)).body).toContain('Card verified');
      expect((await h.service.get(binding.id)).status).toBe('processing');

      const done = await h.service.checkOrder(binding.id);
      expect(done.status).toBe('succeeded');
      const [transaction] = h.emulator.order(formAction(binding.nextAction).orderId);
      const saved = await h.store.listCards(CUSTOMER.id);
      expect(saved.map((card) => card.token)).toEqual([transaction?.rebillAnchor]);
    });

    it("server-mode 3-D Secure with a plain-http callback URL: the callback's display, the anchor PayOnline answered the host", async () => {
      const h = await setup({
        config: { threeDsMode: 'server' },
        emulator: { anchorInCallbacks: 'https-only' },
      });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const challenge = await h.submit(binding.nextAction, TEST_CARDS.threeDSecure);
      if (challenge.kind !== '3ds') throw new Error('expected 3-DS');
      const back = await bankReturn(h, challenge, h.emulator.otp);
      await h.post(back.action, back.fields);
      await h.emulator.callbacksSettled();
      expect(h.emulator.callbacks.at(-1)?.fields['RebillAnchor']).toBeUndefined();
      // The callback may race the term_url's own write (seen on PostgreSQL): the service then asks
      // PayOnline once more in the background, and settled() waits for that.
      await h.service.settled();

      const done = await h.service.get(binding.id);
      expect(done.status).toBe('succeeded');
      expect(done.card?.display.maskedPan).toBe('************3220');
      const [transaction] = h.emulator.order(formAction(binding.nextAction).orderId);
      const saved = await h.store.listCards(CUSTOMER.id);
      expect(saved.map((card) => card.token)).toEqual([transaction?.rebillAnchor]);
    });
  });

  /** The customer's browser through the emulated bank: the bank's auto-submitted return to the term_url. */
  async function bankReturn(
    h: PayOnlineHarness,
    challenge: Parameters<typeof buildAcsForm>[0],
    code: string,
  ): Promise<{ action: string; fields: Record<string, string> }> {
    const acs = buildAcsForm(challenge);
    const page = readHtmlForm((await h.post(acs.action, { ...acs.fields })).body);
    const back = readHtmlForm((await h.post(page?.action ?? '', { ...page?.fields, code })).body);
    if (!back) throw new Error('the bank did not send the payer back');
    return back;
  }

  async function awaitingThreeDs(h: PayOnlineHarness, customer: typeof CUSTOMER | typeof OTHER_CUSTOMER) {
    const binding = await h.service.start({ provider: 'payonline', customer });
    const challenge = await h.submit(binding.nextAction, TEST_CARDS.threeDSecure);
    if (challenge.kind !== '3ds') throw new Error('expected 3-DS');
    return { binding: await h.service.get(binding.id), challenge, action: formAction(binding.nextAction) };
  }

  describe("item 2: one customer cannot spoil another's 3-D Secure", () => {
    it('refuses a term_url post built from the order id alone, before signing: PayOnline sees nothing, the payer still passes', async () => {
      const h = await setup({ config: { threeDsMode: 'server' } });
      const victim = await awaitingThreeDs(h, CUSTOMER);
      // An attacker who learnt the order id (it is in callbacks and logs) and guessed the TransactionId.
      const forged = await h.post(`${h.termUrl}?order=${victim.action.orderId}`, {
        PaRes: 'YWJj',
        MD: `${victim.challenge.transactionId};YWJj`,
      });
      expect(forged.status).toBe(400);
      expect(h.hostCalls.at(-1)?.outcome.error?.code).toBe('CALLBACK_REJECTED');
      expect(h.emulator.requestsTo('auth3ds')).toHaveLength(0);
      expect(await h.service.get(victim.binding.id)).toEqual(victim.binding);

      const back = await bankReturn(h, victim.challenge, h.emulator.otp);
      expect((await h.post(back.action, back.fields)).status).toBe(200);
      await h.emulator.callbacksSettled();
      expect((await h.service.get(victim.binding.id)).status).toBe('succeeded');
    });

    it("refuses another order's term_url pointed at this order (its order-bound token does not match)", async () => {
      const h = await setup({ config: { threeDsMode: 'server' } });
      const victim = await awaitingThreeDs(h, CUSTOMER);
      const attacker = formAction(
        (await h.service.start({ provider: 'payonline', customer: OTHER_CUSTOMER })).nextAction,
      );
      const pointed = new URL(attacker.termUrl ?? '');
      pointed.searchParams.set('order', victim.action.orderId);
      const forged = await h.post(pointed.toString(), {
        PaRes: 'YWJj',
        MD: `${victim.challenge.transactionId};YWJj`,
      });
      expect(forged.status).toBe(400);
      expect(h.emulator.requestsTo('auth3ds')).toHaveLength(0);
      expect(await h.service.get(victim.binding.id)).toEqual(victim.binding);
    });

    it('takes one bank return per order: other 3-D Secure data for it is refused, the same return repeated is answered again', async () => {
      const h = await setup();
      const victim = await awaitingThreeDs(h, CUSTOMER);
      const back = await bankReturn(h, victim.challenge, h.emulator.otp);
      const first = await h.post(back.action, back.fields);
      expect(first.status).toBe(200);
      const processing = await h.service.get(victim.binding.id);
      expect(processing.status).toBe('processing');

      // Someone holding the very term_url (it passes through the bank) posts other data for the transaction.
      const other = await h.post(back.action, {
        PaRes: 'YWJj',
        MD: `${victim.challenge.transactionId};YWJj`,
      });
      expect(other.status).toBe(400);
      expect(await h.service.get(victim.binding.id)).toEqual(processing);

      // A browser that re-posts the bank's form gets the same page; the completion then goes through.
      const again = await h.post(back.action, back.fields);
      expect(again.status).toBe(200);
      expect(again.body).toBe(first.body);
      const completion = readHtmlForm(first.body);
      await h.post(completion?.action ?? '', completion?.fields ?? {});
      await h.emulator.callbacksSettled();
      expect((await h.service.get(victim.binding.id)).status).toBe('succeeded');
    });
  });

  /** A callback signed with the merchant's key, as PayOnline would send it for `order`. */
  function signedCallback(
    h: PayOnlineHarness,
    order: { orderId: string; transactionId: string; dateTime: Date | string },
    extra: Record<string, string> = {},
  ): Record<string, string> {
    const signed = {
      DateTime: typeof order.dateTime === 'string' ? order.dateTime : payOnlineDateTime(order.dateTime),
      TransactionID: order.transactionId,
      OrderId: order.orderId,
      Amount: '1.00',
      Currency: 'RUB',
    };
    return {
      ...signed,
      SecurityKey: payOnlineSecurityKey(Object.entries(signed), h.emulator.privateSecurityKey),
      CardHolder: 'IVAN IVANOV',
      CardNumber: '************1111',
      RebillAnchor: 'anchor-of-this-callback',
      ...extra,
    };
  }

  describe('item 5: callbacks: the first verified one decides, stale ones are refused', () => {
    it('a later signed callback for the same transaction that differs is logged with the order id and changes nothing', async () => {
      const h = await setup();
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const orderId = formAction(binding.nextAction).orderId;
      await h.submit(binding.nextAction, TEST_CARDS.success);
      await h.emulator.callbacksSettled();
      const done = await h.service.get(binding.id);
      expect(done.status).toBe('succeeded');
      const cards = await h.store.listCards(CUSTOMER.id);
      const genuine = h.emulator.callbacks.at(-1)?.fields ?? {};

      // PayOnline repeating itself is no conflict.
      await h.emulator.resendCallback(genuine['TransactionID'] ?? '');
      expect(conflictLogs(h)).toHaveLength(0);

      // The signature covers none of these: a replay may change them at will.
      const changes: Record<string, string>[] = [
        { RebillAnchor: 'replayed-anchor' },
        { CardNumber: '************0002' },
        { Code: '5302', ErrorCode: '3' },
      ];
      for (const change of changes) {
        expect((await h.post(h.callbackUrl, { ...genuine, ...change })).status).toBe(200);
      }
      expect(await h.service.get(binding.id)).toEqual(done);
      expect(await h.store.listCards(CUSTOMER.id)).toEqual(cards);
      const conflicts = conflictLogs(h);
      expect(conflicts).toHaveLength(3);
      expect(conflicts[0]?.fields).toMatchObject({
        orderId,
        bindingId: binding.id,
        transactionId: genuine['TransactionID'],
      });
      expect(JSON.stringify(h.captured.logs)).not.toContain('replayed-anchor');
    });

    it('a first callback without RebillAnchor (plain-http callback URL) decides: a replay that adds one saves nothing', async () => {
      const h = await setup({ emulator: { anchorInCallbacks: 'https-only' } });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      await h.submit(binding.nextAction, TEST_CARDS.success);
      await h.emulator.callbacksSettled();
      const processing = await h.service.get(binding.id);
      expect(processing.status).toBe('processing');
      const genuine = h.emulator.callbacks.at(-1)?.fields ?? {};
      expect(genuine['RebillAnchor']).toBeUndefined();

      const replay = await h.post(h.callbackUrl, { ...genuine, RebillAnchor: 'replayed-anchor' });
      expect(replay.status).toBe(200);
      expect(await h.service.get(binding.id)).toEqual(processing);
      expect(await h.store.listCards(CUSTOMER.id)).toEqual([]);
      expect(conflictLogs(h)).toHaveLength(1);
    });

    async function openBinding(h: PayOnlineHarness) {
      h.emulator.faults.arm('callback', { kind: 'reset' }, { times: 1 });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const submitted = await h.submit(binding.nextAction, TEST_CARDS.success);
      if (submitted.kind !== 'accepted') throw new Error('expected accepted');
      await h.emulator.callbacksSettled();
      return {
        binding: await h.service.get(binding.id),
        order: { orderId: formAction(binding.nextAction).orderId, transactionId: submitted.transactionId },
      };
    }

    it.each([
      ['61 minutes old', -61 * 60_000],
      ['6 minutes ahead', 6 * 60_000],
    ])(
      'rejects a signed callback whose DateTime is %s (default window: 1 hour back, 5 minutes ahead)',
      async (_name, offsetMs) => {
        const h = await setup();
        const { binding, order } = await openBinding(h);
        const dateTime = new Date(h.clock.now().getTime() + offsetMs);
        const response = await h.post(h.callbackUrl, signedCallback(h, { ...order, dateTime }));
        expect(response.status).toBe(400);
        const error = h.hostCalls.at(-1)?.outcome.error;
        expect(error).toBeInstanceOf(CardBindingError);
        expect(error?.code).toBe('CALLBACK_REJECTED');
        expect(await h.service.get(binding.id)).toEqual(binding);
        expect(await h.store.listCards(CUSTOMER.id)).toEqual([]);
      },
    );

    it.each(['2026-02-30 09:00:00', '2026-01-15T09:00:00Z', '15.01.2026 09:00:00'])(
      'rejects a signed callback whose DateTime %j is no yyyy-MM-dd HH:mm:ss',
      async (dateTime) => {
        const h = await setup();
        const { binding, order } = await openBinding(h);
        expect((await h.post(h.callbackUrl, signedCallback(h, { ...order, dateTime }))).status).toBe(400);
        expect(await h.service.get(binding.id)).toEqual(binding);
      },
    );

    it('takes the window from callbackWindow, and accepts a callback inside it', async () => {
      const h = await setup({ config: { callbackWindow: { maxAgeMs: 5 * 60_000, maxAheadMs: 0 } } });
      const { binding, order } = await openBinding(h);
      const now = h.clock.now().getTime();
      const stale = signedCallback(h, { ...order, dateTime: new Date(now - 6 * 60_000) });
      expect((await h.post(h.callbackUrl, stale)).status).toBe(400);
      const ahead = signedCallback(h, { ...order, dateTime: new Date(now + 2_000) });
      expect((await h.post(h.callbackUrl, ahead)).status).toBe(400);
      expect(await h.service.get(binding.id)).toEqual(binding);
      const fresh = signedCallback(h, { ...order, dateTime: new Date(now - 4 * 60_000) });
      expect((await h.post(h.callbackUrl, fresh)).status).toBe(200);
      expect((await h.service.get(binding.id)).status).toBe('succeeded');
    });

    it('refuses a window shorter than the order deadline when the module is created', () => {
      const create = () =>
        payonlineModule({
          merchantId: '1000',
          privateSecurityKey: 'k',
          termUrl: 'https://shop.example.test/payonline/3ds',
          callbackWindow: { maxAgeMs: 60_000 },
        });
      expect(create).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID', field: 'callbackWindow.maxAgeMs' }),
      );
    });
  });
});
