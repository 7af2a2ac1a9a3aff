import { CardBindingError } from '@cardbind/core';
import { type FaultInput, readHtmlForm, TEST_CARDS, TRANSPORT_FAULTS } from '@cardbind/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildAcsForm } from '../src/client/index.js';
import { CUSTOMER, type HarnessOptions, type PayOnlineHarness, startHarness } from './harness.js';
import { closeStores, STORE_KINDS } from './stores.js';

let harness: PayOnlineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(closeStores);

const FAULTS: readonly FaultInput[] = [
  ...TRANSPORT_FAULTS,
  { kind: 'hang' },
  { kind: 'reject', code: '1001' },
];
const name = (fault: FaultInput): string => JSON.stringify(fault);

async function accepted(h: PayOnlineHarness) {
  // The callback is lost, so the binding stays open and Search is what the host relies on.
  h.emulator.faults.arm('callback', { kind: 'reset' }, { times: 1 });
  const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
  await h.submit(binding.nextAction, TEST_CARDS.success);
  await h.emulator.callbacksSettled();
  return h.service.get(binding.id);
}

describe.each(STORE_KINDS)('on the %s store', (storeKind) => {
  async function setup(options: HarnessOptions = {}): Promise<PayOnlineHarness> {
    harness = await startHarness({
      storeKind,
      ...options,
      config: { timeouts: { connectMs: 500, responseMs: 300, totalMs: 1_000 }, ...options.config },
    });
    return harness;
  }

  describe('faults on Search (checkOrder)', () => {
    it.each(FAULTS.filter((fault) => fault.kind !== 'empty').map((fault) => [name(fault), fault] as const))(
      '%s → a typed retryable error; the binding stays readable and unchanged',
      async (_name, fault) => {
        const h = await setup();
        const binding = await accepted(h);
        h.emulator.faults.arm('search', fault, { times: 1 });
        const error: unknown = await h.service.checkOrder(binding.id).catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(CardBindingError);
        expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
        expect(await h.service.get(binding.id)).toEqual(binding);
        // The fault has passed: the next poll sees the payment.
        expect((await h.service.checkOrder(binding.id)).status).toBe('processing');
      },
    );

    it('an empty Search body is "nothing successful yet" (by protocol), never an error or an ending', async () => {
      const h = await setup();
      const binding = await accepted(h);
      h.emulator.faults.arm('search', { kind: 'empty' }, { times: 1 });
      expect(await h.service.checkOrder(binding.id)).toEqual(binding);
    });

    it('a refused SecurityKey (4024) is PROVIDER_REJECTED, not retryable: the configuration is wrong', async () => {
      const h = await setup();
      const binding = await accepted(h);
      h.emulator.faults.arm('search', { kind: 'reject', code: '4024' }, { times: 1 });
      await expect(h.service.checkOrder(binding.id)).rejects.toMatchObject({
        code: 'PROVIDER_REJECTED',
        retryable: false,
        providerCode: '4024',
      });
      expect(await h.service.get(binding.id)).toEqual(binding);
    });

    it('waitForCompletion rides out a Search outage and finishes when it passes', async () => {
      const h = await setup({ emulator: { slowCloseMs: 10_000 } });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      await h.submit(binding.nextAction, TEST_CARDS.slowClose);
      h.emulator.faults.arm('search', { kind: 'status', status: 503 }, { times: 3 });
      const done = await h.service.waitForCompletion(binding.id);
      expect(done.status).toBe('succeeded');
      expect(h.emulator.faults.hits('search')).toBeGreaterThan(3);
    });
  });

  describe('faults on Auth (the app posts the card)', () => {
    it.each(FAULTS.filter((fault) => fault.kind !== 'reject').map((fault) => [name(fault), fault] as const))(
      '%s → submitCardForm throws a retryable PROVIDER_UNAVAILABLE; the binding is untouched',
      async (_name, fault) => {
        const h = await setup();
        const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
        h.emulator.faults.arm('auth', fault, { times: 1 });
        const error: unknown = await h
          .submit(binding.nextAction, TEST_CARDS.success)
          .catch((thrown: unknown) => thrown);
        expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
        expect(await h.service.get(binding.id)).toEqual(binding);
      },
    );

    it('a PayOnline refusal (Code 1001) is a declined, retryable answer', async () => {
      const h = await setup();
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      h.emulator.faults.arm('auth', { kind: 'reject', code: '1001' }, { times: 1 });
      expect(await h.submit(binding.nextAction, TEST_CARDS.success)).toMatchObject({
        kind: 'declined',
        code: '1001',
        retryable: true,
      });
    });
  });

  describe('faults around 3-D Secure', () => {
    async function atTermUrl(h: PayOnlineHarness) {
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const challenge = await h.submit(binding.nextAction, TEST_CARDS.threeDSecure);
      if (challenge.kind !== '3ds') throw new Error('expected 3-DS');
      const acs = buildAcsForm(challenge);
      const page = await h.post(acs.action, { ...acs.fields });
      const codeForm = readHtmlForm(page.body);
      const back = readHtmlForm(
        (await h.post(codeForm?.action ?? '', { ...codeForm?.fields, code: h.emulator.otp })).body,
      );
      return { binding, back: back ?? { action: '', fields: {} } };
    }

    it.each([[{ kind: 'status', status: 502 }], [{ kind: 'reset' }], [{ kind: 'html' }]] as const)(
      'a fault on the bank page (%j) leaves the binding readable and waiting',
      async (fault) => {
        const h = await setup();
        const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
        const challenge = await h.submit(binding.nextAction, TEST_CARDS.threeDSecure);
        if (challenge.kind !== '3ds') throw new Error('expected 3-DS');
        h.emulator.faults.arm('acs', fault, { times: 1 });
        const acs = buildAcsForm(challenge);
        const page = await h.post(acs.action, { ...acs.fields }).catch(() => undefined);
        expect(page === undefined || readHtmlForm(page.body) === undefined).toBe(true);
        expect((await h.service.get(binding.id)).status).toBe('requires_action');
      },
    );

    it.each(FAULTS.map((fault) => [name(fault), fault] as const))(
      'server mode: %s on the 3-DS endpoint → 503 to the bank, binding unchanged, the retry completes it',
      async (_name, fault) => {
        const h = await setup({ config: { threeDsMode: 'server' } });
        const { binding, back } = await atTermUrl(h);
        const before = await h.service.get(binding.id);
        h.emulator.faults.arm('auth3ds', fault, { times: 1 });
        const page = await h.post(back.action, back.fields);
        if (fault.kind === 'reject') {
          // A refusal is an answer: the binding fails with PayOnline's code.
          expect(page.status).toBe(200);
          expect((await h.service.get(binding.id)).failure).toMatchObject({ providerCode: '1001' });
          return;
        }
        expect(page.status).toBe(503);
        expect(h.hostCalls.at(-1)?.outcome.error).toMatchObject({
          code: 'PROVIDER_UNAVAILABLE',
          retryable: true,
        });
        expect(await h.service.get(binding.id)).toEqual(before);
        const retry = await h.post(back.action, back.fields);
        expect(retry.status).toBe(200);
        await h.emulator.callbacksSettled();
        expect((await h.service.get(binding.id)).status).toBe('succeeded');
      },
    );

    it("browser mode: a fault on PayOnline's 3-DS endpoint leaves the binding processing", async () => {
      const h = await setup();
      const { binding, back } = await atTermUrl(h);
      const page = readHtmlForm((await h.post(back.action, back.fields)).body);
      h.emulator.faults.arm('auth3ds', { kind: 'status', status: 500 }, { times: 1 });
      expect((await h.post(page?.action ?? '', page?.fields ?? {})).status).toBe(500);
      expect((await h.service.get(binding.id)).status).toBe('processing');
      expect((await h.post(page?.action ?? '', page?.fields ?? {})).status).toBe(200);
      await h.emulator.callbacksSettled();
      expect((await h.service.get(binding.id)).status).toBe('succeeded');
    });
  });

  describe('faults on Void (after success)', () => {
    // The void is durable background work: one attempt at the transition, then core's worker retries it
    // with backoff (1 s, 2 s, ...) until the 23-hour deadline. Each worker round here runs what is due.
    async function afterRounds(h: PayOnlineHarness, rounds: number): Promise<void> {
      for (let round = 0; round < rounds; round++) {
        h.clock.set(h.clock.now().getTime() + 60 * 60_000);
        await h.worker.runOnce({ sweep: false });
      }
    }

    it('retries a failed void in the background and voids once when PayOnline answers again', async () => {
      const h = await setup();
      h.emulator.faults.arm('void', { kind: 'status', status: 500 }, { times: 2 });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      await h.submit(binding.nextAction, TEST_CARDS.success);
      await h.emulator.callbacksSettled();
      await h.service.settled();
      expect(h.emulator.requestsTo('void')).toHaveLength(1);
      expect(
        (await h.service.listWork({ bindingId: binding.id })).find(
          (item) => item.kind === 'binding.after_success',
        ),
      ).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastErrorCode: 'PROVIDER_UNAVAILABLE',
      });
      await afterRounds(h, 3);
      expect(h.emulator.requestsTo('void')).toHaveLength(3);
      expect(h.emulator.transactions()[0]?.status).toBe('Voided');
      expect(h.emulator.operationCount('void')).toBe(1);
      expect((await h.service.listWork({ status: 'failed' })).length).toBe(0);
    });

    it.each(FAULTS.map((fault) => [name(fault), fault] as const))(
      '%s on every void → retried until its deadline, then listed as failed; the binding stays succeeded',
      async (_name, fault) => {
        const h = await setup();
        h.emulator.faults.arm('void', fault);
        const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
        await h.submit(binding.nextAction, TEST_CARDS.success);
        await h.emulator.callbacksSettled();
        await h.service.settled();
        await afterRounds(h, 25);
        const voids = h.emulator.requestsTo('void').length;
        expect(voids).toBeGreaterThan(2);
        expect(voids).toBeLessThanOrEqual(25);
        expect(await h.service.listWork({ status: 'failed' })).toEqual([
          expect.objectContaining({ bindingId: binding.id, kind: 'binding.after_success' }),
        ]);
        expect((await h.service.get(binding.id)).status).toBe('succeeded');
        expect(await h.service.listCards(CUSTOMER.id)).toHaveLength(1);
        expect(h.captured.logs.some((line) => line.fields['event'] === 'work.failed')).toBe(true);
      },
    );

    it('a void repeated after PayOnline already voided the payment counts as done', async () => {
      const h = await setup();
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      await h.submit(binding.nextAction, TEST_CARDS.success);
      await h.emulator.callbacksSettled();
      await h.service.settled();
      expect(h.emulator.operationCount('void')).toBe(1);
      // As after a crash between PayOnline's void and the work item's completion: the item runs again.
      const provider = h.provider();
      const record = await h.store.get(binding.id);
      const card = (await h.store.listCards(CUSTOMER.id))[0];
      if (!record || !card) throw new Error('expected the saved binding and card');
      await provider.afterSuccess?.({
        bindingId: record.id,
        customer: record.customer,
        status: record.status,
        providerRef: record.providerRef,
        createdAt: record.createdAt,
        expiresAt: record.expiresAt,
        now: h.clock.now(),
        trigger: 'callback',
        card,
      });
      expect(h.emulator.requestsTo('void')).toHaveLength(2);
      expect(h.emulator.operationCount('void')).toBe(1);
      expect(h.captured.logs.some((line) => line.fields['event'] === 'payonline.void_already_done')).toBe(
        true,
      );
    });
  });

  describe('faults on callbacks', () => {
    it('a callback with a wrong key (a forgery on the wire) is refused; the real outcome comes later', async () => {
      const h = await setup();
      h.emulator.faults.arm('callback', { kind: 'malformed' }, { times: 1 });
      const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
      const submitted = await h.submit(binding.nextAction, TEST_CARDS.success);
      await h.emulator.callbacksSettled();
      expect(h.emulator.callbacks[0]).toMatchObject({ forged: true, status: 400 });
      expect((await h.service.get(binding.id)).status).toBe('requires_action');
      if (submitted.kind !== 'accepted') throw new Error('expected accepted');
      await h.emulator.resendCallback(submitted.transactionId);
      expect((await h.service.get(binding.id)).status).toBe('succeeded');
    });
  });
});
