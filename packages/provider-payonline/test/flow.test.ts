import { PAYONLINE_TEST_CARDS, readHtmlForm, TEST_CARDS } from '@cardbind/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildAcsForm, waitForBinding } from '../src/client/index.js';
import { CUSTOMER, formAction, type HarnessOptions, type PayOnlineHarness, startHarness } from './harness.js';
import { closeStores, STORE_KINDS } from './stores.js';

let harness: PayOnlineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(closeStores);

/** The customer's browser through the emulated bank: ACS page, code, the bank's post to term_url. */
async function passThreeDs(h: PayOnlineHarness, challenge: Parameters<typeof buildAcsForm>[0], code: string) {
  const acs = buildAcsForm(challenge);
  const challengePage = await h.post(acs.action, { ...acs.fields });
  expect(challengePage.status).toBe(200);
  const codeForm = readHtmlForm(challengePage.body);
  if (!codeForm) throw new Error('the bank page has no form');
  const returnPage = await h.post(codeForm.action, { ...codeForm.fields, code });
  const toMerchant = readHtmlForm(returnPage.body);
  if (!toMerchant) throw new Error('the bank did not send the payer back');
  expect(toMerchant.action).toBe(challenge.termUrl);
  return h.post(toMerchant.action, toMerchant.fields);
}

describe.each(STORE_KINDS)('on the %s store', (storeKind) => {
  async function setup(options: HarnessOptions = {}): Promise<PayOnlineHarness> {
    harness = await startHarness({ storeKind, ...options });
    return harness;
  }

  describe('PayOnline binding flow against the emulator', () => {
    it('binds a card: the app posts it, PayOnline calls back, the card is saved and the 1.00 voided once', async () => {
      const h = await setup();
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      expect(binding.status).toBe('requires_action');

      const submitted = await h.submit(binding.nextAction, TEST_CARDS.success);
      expect(submitted.kind).toBe('accepted');
      await h.emulator.callbacksSettled();

      const done = await h.service.get(binding.id);
      expect(done.status).toBe('succeeded');
      expect(done.card?.display).toEqual({
        maskedPan: '************1111',
        holder: TEST_CARDS.success.holder,
      });
      const [card] = await h.service.listCards(CUSTOMER.id);
      expect(card?.bindingId).toBe(binding.id);

      await h.service.settled();
      const voids = h.emulator.requestsTo('void');
      expect(voids).toHaveLength(1);
      const [transaction] = h.emulator.order(formAction(binding.nextAction).orderId);
      expect(voids[0]?.fields['TransactionId']).toBe(transaction?.id);
      expect(transaction?.status).toBe('Voided');
    });

    it('fails the binding when the issuer declines (ErrorCode 3, Code 5205), with the raw code kept', async () => {
      const h = await setup();
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const submitted = await h.submit(binding.nextAction, TEST_CARDS.insufficientFunds);
      expect(submitted).toMatchObject({ kind: 'declined', code: '5205', errorCode: '3', retryable: false });
      expect(submitted.kind === 'declined' && submitted.message).toMatch(/insufficient funds/i);
      await h.emulator.callbacksSettled();

      const done = await h.service.get(binding.id);
      expect(done.status).toBe('failed');
      expect(done.failure).toMatchObject({ code: 'CARD_DECLINED', providerCode: '5205' });
      await h.service.settled();
      expect(h.emulator.requestsTo('void')).toHaveLength(0);
    });

    it('passes 3-D Secure: 6001, the bank page with the right code, the term_url auto-submit, then success', async () => {
      const h = await setup();
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const challenge = await h.submit(binding.nextAction, TEST_CARDS.threeDSecure);
      if (challenge.kind !== '3ds') throw new Error(`expected 3-DS, got ${challenge.kind}`);
      expect(challenge.termUrl).toBe(formAction(binding.nextAction).termUrl);
      expect(challenge.md).toBe(`${challenge.transactionId};${h.emulator.transactions()[0]?.threeDs?.pd}`);

      const termPage = await passThreeDs(h, challenge, h.emulator.otp);
      expect(termPage.status).toBe(200);
      expect(termPage.headers['content-type']).toMatch(/^text\/html/);
      expect(termPage.headers['content-security-policy']).toContain(`form-action ${h.emulator.baseUrl}`);
      expect(termPage.headers['content-security-policy']).toContain("default-src 'none'");
      expect(termPage.body).toContain('<noscript>');
      expect((await h.service.get(binding.id)).status).toBe('processing');

      const completion = readHtmlForm(termPage.body);
      expect(completion?.action).toBe(`${h.emulator.baseUrl}/payment/transaction/auth/3ds/`);
      expect(Object.keys(completion?.fields ?? {})).toEqual([
        'MerchantId',
        'TransactionId',
        'PARes',
        'PD',
        'SecurityKey',
      ]);
      const answer = await h.post(completion?.action ?? '', completion?.fields ?? {});
      expect(answer.body).toMatch(/Result=Ok/);
      await h.emulator.callbacksSettled();

      const done = await h.service.get(binding.id);
      expect(done.status).toBe('succeeded');
      expect(done.card?.display.maskedPan).toBe('************3220');
      await h.service.settled();
      expect(h.emulator.requestsTo('void')).toHaveLength(1);
    });

    it('fails 3-D Secure with a wrong one-time code (Code 6003)', async () => {
      const h = await setup();
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const challenge = await h.submit(binding.nextAction, TEST_CARDS.threeDSecure);
      if (challenge.kind !== '3ds') throw new Error('expected 3-DS');
      const termPage = await passThreeDs(h, challenge, '000000');
      const completion = readHtmlForm(termPage.body);
      const answer = await h.post(completion?.action ?? '', completion?.fields ?? {});
      expect(answer.body).toMatch(/Result=Error/);
      await h.emulator.callbacksSettled();

      const done = await h.service.get(binding.id);
      expect(done.status).toBe('failed');
      expect(done.failure).toMatchObject({ code: 'CARD_DECLINED', providerCode: '6003' });
    });

    it('completes 3-D Secure on the server when threeDsMode is server, and shows a result page', async () => {
      const h = await setup({ config: { threeDsMode: 'server' } });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const challenge = await h.submit(binding.nextAction, TEST_CARDS.threeDSecure);
      if (challenge.kind !== '3ds') throw new Error('expected 3-DS');
      const termPage = await passThreeDs(h, challenge, h.emulator.otp);
      expect(termPage.status).toBe(200);
      expect(termPage.body).toContain('Card verified');
      expect(termPage.body).not.toContain('<script');
      expect(termPage.headers['content-security-policy']).toContain("default-src 'none'");
      // The host, not the browser, called PayOnline's 3-DS endpoint, with base64 intact.
      const [call] = h.emulator.requestsTo('auth3ds');
      expect(call?.fields['PARes']).toMatch(/^\+\/\+\//);
      await h.emulator.callbacksSettled();
      expect((await h.service.get(binding.id)).status).toBe('succeeded');
    });

    it('closes an order that PayOnline keeps pending for 30 seconds (simulated time)', async () => {
      const h = await setup();
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const started = h.clock.now().getTime();
      const submitted = await h.submit(binding.nextAction, TEST_CARDS.slowClose);
      expect(submitted).toMatchObject({ kind: 'accepted' });
      expect(submitted.kind === 'accepted' && submitted.rebillAnchor).toBeFalsy();

      const done = await h.service.waitForCompletion(binding.id);
      expect(done.status).toBe('succeeded');
      const closedAfter = done.updatedAt.getTime() - started;
      expect(closedAfter).toBeGreaterThanOrEqual(30_000);
      expect(closedAfter).toBeLessThan(30_000 + 20_000);
      // Polls before the close found nothing and did not end the binding.
      expect(h.emulator.requestsTo('search').length).toBeGreaterThan(1);
    });

    it("expires an order still pending after 5 minutes (waitForCompletion), as LitRes's form-params spec requires", async () => {
      const h = await setup();
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const started = h.clock.now().getTime();
      await h.submit(binding.nextAction, PAYONLINE_TEST_CARDS.stuck);

      const done = await h.service.waitForCompletion(binding.id);
      expect(done.status).toBe('expired');
      expect(done.failure?.code).toBe('BINDING_EXPIRED');
      expect(h.clock.now().getTime() - started).toBe(5 * 60_000);
    });

    it('releases the 1.00 when the payment went through but no card token came before the deadline', async () => {
      // PayOnline sends RebillAnchor only to an https callback URL: this host's is http, so no token comes.
      const h = await setup({ emulator: { anchorInCallbacks: 'https-only' } });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      expect(await h.submit(binding.nextAction, TEST_CARDS.success)).toMatchObject({ kind: 'accepted' });
      await h.emulator.callbacksSettled();
      expect((await h.service.get(binding.id)).status).toBe('processing');

      const done = await h.service.waitForCompletion(binding.id);
      expect(done.status).toBe('expired');
      await h.service.settled();
      const [transaction] = h.emulator.order(formAction(binding.nextAction).orderId);
      expect(h.emulator.requestsTo('void')).toHaveLength(1);
      expect(transaction?.status).toBe('Voided');
    });

    it('voids nothing when a binding fails without a payment', async () => {
      const h = await setup();
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      await h.submit(binding.nextAction, PAYONLINE_TEST_CARDS.stuck);
      expect((await h.service.waitForCompletion(binding.id)).status).toBe('expired');
      await h.service.settled();
      expect(h.emulator.requestsTo('search').length).toBeGreaterThan(1);
      expect(h.emulator.requestsTo('void')).toHaveLength(0);
    });

    it('the app waits with waitForBinding until the backend says succeeded', async () => {
      const h = await setup({ emulator: { slowCloseMs: 12_000 } });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      await h.submit(binding.nextAction, TEST_CARDS.slowClose);
      const result = await waitForBinding(() => h.service.checkOrder(binding.id), {
        clock: { now: () => h.clock.now().getTime(), sleep: (ms) => h.clock.sleep(ms) },
      });
      expect(result.kind).toBe('finished');
      expect(result.binding?.status).toBe('succeeded');
    });

    it('keeps the verification payment when afterBinding is keep', async () => {
      const h = await setup({ config: { afterBinding: 'keep' } });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      await h.submit(binding.nextAction, TEST_CARDS.mir);
      await h.emulator.callbacksSettled();
      expect((await h.service.get(binding.id)).status).toBe('succeeded');
      await h.service.settled();
      expect(h.emulator.requestsTo('void')).toHaveLength(0);
    });

    it('runs the whole flow with ContentType=xml answers', async () => {
      const h = await setup({ config: { contentType: 'xml' } });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const challenge = await h.submit(binding.nextAction, TEST_CARDS.threeDSecure);
      if (challenge.kind !== '3ds') throw new Error('expected 3-DS');
      const termPage = await passThreeDs(h, challenge, h.emulator.otp);
      const completion = readHtmlForm(termPage.body);
      await h.post(completion?.action ?? '', completion?.fields ?? {});
      await h.emulator.callbacksSettled();
      expect((await h.service.get(binding.id)).status).toBe('succeeded');
    });
  });
});
