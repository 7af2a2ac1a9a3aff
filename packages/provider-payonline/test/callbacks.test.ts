import { payOnlineDateTime, payOnlineSecurityKey, readHtmlForm, TEST_CARDS } from '@cardbind/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { errorForCodes, type PayOnlineCodes } from '../src/errors/codes.js';
import { CUSTOMER, formAction, type PayOnlineHarness, startHarness } from './harness.js';
import { closeStores, STORE_KINDS } from './stores.js';

let harness: PayOnlineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(closeStores);

/** A binding whose card PayOnline accepted, but whose callback was lost: nothing has ended it yet. */
async function openBinding(h: PayOnlineHarness) {
  h.emulator.faults.arm('callback', { kind: 'reset' }, { times: 1 });
  const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
  await h.submit(binding.nextAction, TEST_CARDS.success);
  await h.emulator.callbacksSettled();
  const [transaction] = h.emulator.order(formAction(binding.nextAction).orderId);
  if (!transaction) throw new Error('no transaction');
  const fresh = await h.service.get(binding.id);
  expect(fresh.status).toBe('requires_action');
  return { binding: fresh, transaction };
}

/** A callback signed with `key` (the merchant's own key unless a forger's is given). */
function callbackFields(
  h: PayOnlineHarness,
  order: { orderId: string; transactionId: string },
  extra: Record<string, string> = {},
  key = h.emulator.privateSecurityKey,
): Record<string, string> {
  const signed = {
    DateTime: payOnlineDateTime(h.clock.now()),
    TransactionID: order.transactionId,
    OrderId: order.orderId,
    Amount: '1.00',
    Currency: 'RUB',
  };
  return {
    ...signed,
    SecurityKey: payOnlineSecurityKey(Object.entries(signed), key),
    CardHolder: 'IVAN IVANOV',
    CardNumber: '************1111',
    RebillAnchor: 'forged-anchor',
    ...extra,
  };
}

describe.each(STORE_KINDS)('on the %s store', (storeKind) => {
  describe('server-to-server callbacks', () => {
    it.each([
      [
        'signed with another key',
        (h: PayOnlineHarness, o: { orderId: string; transactionId: string }) =>
          callbackFields(h, o, {}, 'not-the-key'),
      ],
      [
        'with a tampered amount',
        (h: PayOnlineHarness, o: { orderId: string; transactionId: string }) =>
          callbackFields(h, o, { Amount: '1000.00' }),
      ],
      [
        'without a SecurityKey',
        (h: PayOnlineHarness, o: { orderId: string; transactionId: string }) =>
          callbackFields(h, o, { SecurityKey: '' }),
      ],
      [
        'without a DateTime',
        (h: PayOnlineHarness, o: { orderId: string; transactionId: string }) => {
          const fields = callbackFields(h, o);
          delete fields['DateTime'];
          return fields;
        },
      ],
      [
        'with a key for another transaction',
        (h: PayOnlineHarness, o: { orderId: string; transactionId: string }) => ({
          ...callbackFields(h, { ...o, transactionId: '1' }),
          TransactionID: o.transactionId,
        }),
      ],
    ])('rejects a callback %s and leaves the binding untouched', async (_name, forge) => {
      const h = (harness = await startHarness({ storeKind }));
      const { binding, transaction } = await openBinding(h);
      const response = await h.post(
        h.callbackUrl,
        forge(h, { orderId: transaction.orderId, transactionId: transaction.id }),
      );
      expect(response.status).toBe(400);
      expect(response.body).not.toContain('forged-anchor');
      const after = await h.service.get(binding.id);
      expect(after).toEqual(binding);
      expect(await h.service.listCards(CUSTOMER.id)).toHaveLength(0);
      expect(h.hostCalls.at(-1)?.outcome.error?.code).toBe('CALLBACK_REJECTED');
    });

    it('accepts a genuine callback, by POST or by GET, and ignores its duplicates', async () => {
      const h = (harness = await startHarness({ storeKind }));
      const { binding, transaction } = await openBinding(h);
      const delivery = await h.emulator.resendCallback(transaction.id);
      expect(delivery.outcome).toBe('delivered');
      const done = await h.service.get(binding.id);
      expect(done.status).toBe('succeeded');

      // PayOnline may repeat a callback; a GET carries the same fields in the query.
      const again = await h.emulator.resendCallback(transaction.id);
      expect(again.status).toBe(200);
      const query = new URLSearchParams(again.fields).toString();
      const viaGet = await fetch(`${h.callbackUrl}?${query}`);
      expect(viaGet.status).toBe(200);
      expect(await h.service.get(binding.id)).toEqual(done);
      expect(await h.service.listCards(CUSTOMER.id)).toHaveLength(1);
    });

    it('acknowledges a genuine callback for an order that is no binding, changing nothing', async () => {
      const h = (harness = await startHarness({ storeKind }));
      const response = await h.post(
        h.callbackUrl,
        callbackFields(h, { orderId: 'rebill-2026-0001', transactionId: '42' }),
      );
      expect(response).toMatchObject({ status: 200, body: 'OK' });
      expect(h.hostCalls.at(-1)?.outcome.binding).toBeUndefined();
    });

    it('fails the binding on a genuine failure callback, keeping Code and ErrorCode', async () => {
      const h = (harness = await startHarness({ storeKind }));
      const { binding, transaction } = await openBinding(h);
      const fields = callbackFields(
        h,
        { orderId: transaction.orderId, transactionId: transaction.id },
        { Code: '1999', ErrorCode: '3' },
      );
      delete fields['RebillAnchor'];
      expect((await h.post(h.callbackUrl, fields)).status).toBe(200);
      const done = await h.service.get(binding.id);
      expect(done.status).toBe('failed');
      // Recorded traffic pairs the generic Code 1999 with ErrorCode 3: an issuer decline, not an outage.
      expect(done.failure).toMatchObject({ code: 'CARD_DECLINED', providerCode: '1999' });
    });

    it('keeps a success without RebillAnchor processing (no card to save yet)', async () => {
      const h = (harness = await startHarness({ storeKind }));
      const { binding, transaction } = await openBinding(h);
      const fields = callbackFields(h, { orderId: transaction.orderId, transactionId: transaction.id });
      delete fields['RebillAnchor'];
      await h.post(h.callbackUrl, fields);
      expect((await h.service.get(binding.id)).status).toBe('processing');
    });
  });

  describe('the 3-D Secure term_url', () => {
    async function awaitingThreeDs(h: PayOnlineHarness) {
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const challenge = await h.submit(binding.nextAction, TEST_CARDS.threeDSecure);
      if (challenge.kind !== '3ds') throw new Error('expected 3-DS');
      return { binding: await h.service.get(binding.id), challenge };
    }

    const hostile = '"><script>alert(1)</script>';

    it.each([
      ['a hostile PaRes', (md: string) => ({ PaRes: hostile, MD: md })],
      ['a hostile MD', () => ({ PaRes: 'YWJj', MD: `1;${hostile}` })],
      ['an MD that smuggles fields into the signed string', () => ({ PaRes: 'YWJj', MD: '1&PD=x;YWJj' })],
      ['no MD', () => ({ PaRes: 'YWJj' })],
    ])('rejects %s: 400, nothing echoed, binding untouched', async (_name, fieldsFor) => {
      const h = (harness = await startHarness({ storeKind }));
      const { binding, challenge } = await awaitingThreeDs(h);
      const response = await h.post(challenge.termUrl, fieldsFor(challenge.md));
      expect(response.status).toBe(400);
      expect(response.body).not.toContain('<script');
      expect(response.body).not.toContain('alert(1)');
      expect(await h.service.get(binding.id)).toEqual(binding);
    });

    it('rejects a second return naming another transaction than the first', async () => {
      const h = (harness = await startHarness({ storeKind }));
      const { binding, challenge } = await awaitingThreeDs(h);
      expect((await h.post(challenge.termUrl, { PaRes: 'YWJj', MD: challenge.md })).status).toBe(200);
      const known = await h.service.get(binding.id);
      expect(known.status).toBe('processing');
      const response = await h.post(challenge.termUrl, { PaRes: 'YWJj', MD: '1;YWJj' });
      expect(response.status).toBe(400);
      expect(await h.service.get(binding.id)).toEqual(known);
    });

    it.each([
      ['an unknown order', (url: string) => url.replace(/order=[^&]+/, 'order=cb-bnd_999')],
      [
        'a hostile order',
        (url: string) => url.replace(/order=[^&]+/, `order=${encodeURIComponent(hostile)}`),
      ],
      ['no order', (url: string) => url.replace(/\?.*$/, '')],
    ])('rejects a return for %s', async (_name, rewrite) => {
      const h = (harness = await startHarness({ storeKind }));
      const { binding, challenge } = await awaitingThreeDs(h);
      const response = await h.post(rewrite(challenge.termUrl), { PaRes: 'YWJj', MD: challenge.md });
      expect(response.status).toBe(400);
      expect(response.body).not.toContain('<script');
      expect(await h.service.get(binding.id)).toEqual(binding);
    });

    it('escapes the auto-submit page and its CSP lets the form go only to PayOnline', async () => {
      const h = (harness = await startHarness({ storeKind }));
      const { challenge } = await awaitingThreeDs(h);
      const page = await h.post(challenge.termUrl, { PaRes: '+/+/YWJj\n', MD: challenge.md });
      expect(page.status).toBe(200);
      expect(page.body.match(/<script>/g)).toHaveLength(1);
      expect(page.headers['content-security-policy']).toBe(
        `default-src 'none'; form-action ${h.emulator.baseUrl}; script-src 'sha256-8lDeP0UDwCO6/RhblgeH/ctdBzjVpJxrXizsnIk3cEQ='; base-uri 'none'; frame-ancestors 'none'`,
      );
      expect(page.headers['cache-control']).toBe('no-store');
      expect(readHtmlForm(page.body)?.fields['PARes']).toBe('+/+/YWJj');
    });

    it('answers a return for a finished binding with a page and no change', async () => {
      const h = (harness = await startHarness({ storeKind }));
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      await h.submit(binding.nextAction, TEST_CARDS.success);
      await h.emulator.callbacksSettled();
      const done = await h.service.get(binding.id);
      expect(done.status).toBe('succeeded');
      const [transaction] = h.emulator.order(formAction(binding.nextAction).orderId);
      const page = await h.post(formAction(binding.nextAction).termUrl ?? '', {
        PaRes: 'YWJj',
        MD: `${transaction?.id};YWJj`,
      });
      expect(page.status).toBe(200);
      expect(page.body).toContain('already finished');
      expect(await h.service.get(binding.id)).toEqual(done);
    });
  });
});

describe('code mapping', () => {
  it.each<[PayOnlineCodes, string, boolean, string | undefined]>([
    [{ code: '5205', errorCode: '3' }, 'CARD_DECLINED', false, undefined],
    [{ code: '5411' }, 'CARD_DECLINED', false, undefined],
    [{ code: '4004' }, 'INVALID_CARD_DATA', false, 'number'],
    [{ code: '4006' }, 'INVALID_CARD_DATA', false, 'cvv'],
    [{ code: '4014' }, 'INVALID_CARD_DATA', false, 'expires'],
    [{ code: '4015' }, 'CARD_DECLINED', false, undefined],
    [{ code: '4024' }, 'PROVIDER_REJECTED', false, undefined],
    [{ code: '4016' }, 'PROVIDER_REJECTED', false, undefined],
    [{ code: '6003' }, 'CARD_DECLINED', false, undefined],
    [{ code: '6004' }, 'PROVIDER_UNAVAILABLE', true, undefined],
    [{ code: '1001' }, 'PROVIDER_UNAVAILABLE', true, undefined],
    [{ code: '5334' }, 'PROVIDER_UNAVAILABLE', true, undefined],
    [{ errorCode: '1' }, 'PROVIDER_UNAVAILABLE', true, undefined],
    [{ errorCode: '2' }, 'CARD_DECLINED', false, undefined],
    [{ code: '1999', errorCode: '3' }, 'CARD_DECLINED', false, undefined],
  ])('maps %j to %s', (codes, code, retryable, field) => {
    const error = errorForCodes(codes);
    expect(error).toMatchObject({ code, retryable, providerCode: codes.code ?? codes.errorCode });
    expect(error.field).toBe(field);
  });
});
