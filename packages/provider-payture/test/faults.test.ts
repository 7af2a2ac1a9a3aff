import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CardBindingError, type CardBindingErrorCode } from '@cardbind/core';
import { type FaultInput, PAYTURE_MAGIC_CARDS } from '@cardbind/testing';
import { closeStores, STORE_KINDS } from './stores.js';
import { sessionIdOf, startWorld, type World } from './world.js';

interface FaultCase {
  label: string;
  fault: FaultInput;
  code: CardBindingErrorCode;
  retryable: boolean;
  providerCode?: string;
}

/** Every fault the switchboard has, and what the provider must turn it into. */
const FAULTS: FaultCase[] = [
  {
    label: 'HTTP 500',
    fault: { kind: 'status', status: 500 },
    code: 'PROVIDER_UNAVAILABLE',
    retryable: true,
    providerCode: 'HTTP_500',
  },
  {
    label: 'HTTP 503 with an HTML body',
    fault: { kind: 'status', status: 503, body: '<html><body>Service Unavailable</body></html>' },
    code: 'PROVIDER_UNAVAILABLE',
    retryable: true,
  },
  { label: '200 with an HTML page', fault: { kind: 'html' }, code: 'PROVIDER_UNAVAILABLE', retryable: true },
  {
    label: '200 with an empty body',
    fault: { kind: 'empty' },
    code: 'PROVIDER_UNAVAILABLE',
    retryable: true,
  },
  {
    label: '200 "This is not XML"',
    fault: { kind: 'garbage', body: 'This is not XML' },
    code: 'PROVIDER_UNAVAILABLE',
    retryable: true,
  },
  { label: 'malformed XML', fault: { kind: 'malformed' }, code: 'PROVIDER_UNAVAILABLE', retryable: true },
  { label: 'a connection reset', fault: { kind: 'reset' }, code: 'PROVIDER_UNAVAILABLE', retryable: true },
  {
    label: 'no answer (timeout)',
    fault: { kind: 'hang' },
    code: 'PROVIDER_UNAVAILABLE',
    retryable: true,
    providerCode: 'ETIMEDOUT',
  },
  {
    label: 'an answer later than the timeout',
    fault: { kind: 'delay', ms: 1_500 },
    code: 'PROVIDER_UNAVAILABLE',
    retryable: true,
    providerCode: 'ETIMEDOUT',
  },
  {
    label: 'Success="False" ErrCode="PROCESSING_TIME_OUT"',
    fault: { kind: 'reject', code: 'PROCESSING_TIME_OUT' },
    code: 'PROVIDER_UNAVAILABLE',
    retryable: true,
    providerCode: 'PROCESSING_TIME_OUT',
  },
  {
    label: 'Success="False" ErrCode="ACCESS_DENIED"',
    fault: { kind: 'reject', code: 'ACCESS_DENIED' },
    code: 'PROVIDER_REJECTED',
    retryable: false,
    providerCode: 'ACCESS_DENIED',
  },
];

const START_COMMANDS = ['Check', 'Register', 'GetList', 'Init'] as const;

let world: World;
let customerCounter = 0;
afterEach(async () => world.close());
afterAll(closeStores);

function customer() {
  return { id: `fault-${++customerCounter}`, ip: '203.0.113.7' };
}

function expectTyped(error: unknown, expected: FaultCase): void {
  expect(error).toBeInstanceOf(CardBindingError);
  expect(error).toMatchObject({ code: expected.code, retryable: expected.retryable });
  if (expected.providerCode !== undefined)
    expect(error).toMatchObject({ providerCode: expected.providerCode });
}

/** A binding whose customer has finished the hosted page: only the result is left to learn. */
async function completedOnPage(who = customer()) {
  const binding = await world.service.start({ provider: 'payture', customer: who });
  await world.emulator.completeAddSession(sessionIdOf(binding.nextAction?.url), {
    number: PAYTURE_MAGIC_CARDS.success.number,
  });
  return { binding, sessionId: sessionIdOf(binding.nextAction?.url), who };
}

describe.each(STORE_KINDS)('on the %s store', (storeKind) => {
  async function open(): Promise<World> {
    world = await startWorld({
      storeKind,
      config: { retries: 0, timeouts: { connectMs: 500, responseMs: 250, totalMs: 1_000 } },
    });
    return world;
  }

  describe.each(FAULTS)('fault: $label', (expected) => {
    it.each(START_COMMANDS)(
      'on %s during start → typed error, nothing stored, a retry works',
      async (command) => {
        await open();
        const who = customer();
        world.emulator.faults.arm(command, expected.fault, { times: 1 });
        const error = await world.service
          .start({ provider: 'payture', customer: who, idempotencyKey: 'k' })
          .catch((thrown: unknown) => thrown);
        expectTyped(error, expected);
        expect(world.emulator.faults.hits(command)).toBeGreaterThan(0);
        expect(await world.store.findByIdempotencyKey(who.id, 'k')).toBeUndefined();
        const retried = await world.service.start({
          provider: 'payture',
          customer: who,
          idempotencyKey: 'k',
        });
        expect(retried.status).toBe('requires_action');
      },
    );

    it.each(['finalise', 'checkOrder'] as const)(
      'on GetList during %s → typed error, the binding readable and unchanged',
      async (operation) => {
        await open();
        const { binding } = await completedOnPage();
        world.emulator.faults.arm('GetList', expected.fault, { times: 1 });
        const error = await world.service[operation](binding.id).catch((thrown: unknown) => thrown);
        expectTyped(error, expected);
        const read = await world.service.get(binding.id);
        expect(read.status).toBe('requires_action');
        expect(read.nextAction).toEqual(binding.nextAction);
        expect((await world.service[operation](binding.id)).status).toBe('succeeded');
      },
    );

    it('on GetList during a notification → 503 for Payture to retry, the binding readable and unchanged', async () => {
      await open();
      const { binding, sessionId, who } = await completedOnPage();
      world.emulator.faults.arm('GetList', expected.fault, { times: 1 });
      const outcome = await world.service.handleCallback('payture', {
        method: 'POST',
        body: { Notification: 'CustomerAddSuccess', SessionId: sessionId, VWUserLgn: `customer-${who.id}` },
      });
      expect(outcome.response.status).toBe(503);
      expectTyped(outcome.error, expected);
      expect((await world.service.get(binding.id)).status).toBe('requires_action');
    });

    it('on Remove → typed error, the card kept', async () => {
      await open();
      const { binding, who } = await completedOnPage();
      const done = await world.service.finalise(binding.id);
      world.emulator.faults.arm('Remove', expected.fault, { times: 1 });
      const error = await world.service
        .removeCard(who.id, done.card?.id ?? '')
        .catch((thrown: unknown) => thrown);
      expectTyped(error, expected);
      expect(await world.service.listCards(who.id)).toHaveLength(1);
      expect((await world.service.get(binding.id)).status).toBe('succeeded');
    });
  });

  describe('retries', () => {
    it('a safe read (GetList) is retried past a passing fault when retries are configured', async () => {
      world = await startWorld({ storeKind, config: { retries: 2 } });
      const { binding } = await completedOnPage();
      world.emulator.faults.arm('GetList', { kind: 'status', status: 502 }, { times: 2 });
      expect((await world.service.finalise(binding.id)).status).toBe('succeeded');
      expect(world.emulator.faults.hits('GetList')).toBe(4);
    });

    it('Init is never retried: a second session would be opened', async () => {
      world = await startWorld({ storeKind, config: { retries: 2 } });
      world.emulator.faults.arm('Init', { kind: 'status', status: 502 }, { times: 1 });
      await expect(world.service.start({ provider: 'payture', customer: customer() })).rejects.toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
      });
      expect(world.emulator.count('Init')).toBe(1);
    });
  });
});
