import { CardBindingError } from '@cardbind/core';
import {
  captureFlow,
  expectNoSecrets,
  type NamedSecret,
  PAYONLINE_TEST_CARDS,
  readHtmlForm,
  TEST_CARDS,
  testCardSecrets,
} from '@cardbind/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildAcsForm } from '../src/client/index.js';
import { CUSTOMER, formAction, type HarnessOptions, type PayOnlineHarness, startHarness } from './harness.js';
import { closeStores, STORE_KINDS } from './stores.js';

let harness: PayOnlineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(closeStores);

/** Runs every kind of flow through one harness, recording what a host would see of each. */
async function runEverything(options: HarnessOptions): Promise<PayOnlineHarness> {
  const h = (harness = await startHarness(options));
  const { captured, service } = h;
  const start = () => captured.track('start', service.start({ provider: 'payonline', customer: CUSTOMER }));

  // Success with a void, and a decline.
  for (const card of [TEST_CARDS.success, TEST_CARDS.decline]) {
    const binding = await start();
    // The submit result is the app's own (it holds the anchor PayOnline gave the app): not recorded.
    await h.submit(binding.nextAction, card);
    await h.emulator.callbacksSettled();
    await captured.track('get', service.get(binding.id));
  }

  // 3-D Secure through the term_url.
  const threeDs = await start();
  const challenge = await h.submit(threeDs.nextAction, TEST_CARDS.threeDSecure);
  if (challenge.kind !== '3ds') throw new Error('expected 3-DS');
  const acs = buildAcsForm(challenge);
  const page = readHtmlForm((await h.post(acs.action, { ...acs.fields })).body);
  const back = readHtmlForm(
    (await h.post(page?.action ?? '', { ...page?.fields, code: h.emulator.otp })).body,
  );
  const term = await h.post(back?.action ?? '', back?.fields ?? {});
  const completion = readHtmlForm(term.body);
  if (completion) await h.post(completion.action, completion.fields);
  await h.emulator.callbacksSettled();
  await captured.track('get 3-DS', service.get(threeDs.id));

  // A slow order polled to its close, with a Search outage on the way.
  const slow = await start();
  await h.submit(slow.nextAction, TEST_CARDS.slowClose);
  h.emulator.faults.arm(
    'search',
    { kind: 'status', status: 500, body: `CardNumber=${TEST_CARDS.slowClose.number}` },
    { times: 2 },
  );
  await captured.track('wait slow', service.waitForCompletion(slow.id));

  // A lost callback, then the app's report (a hint to ask Search now; never read for the card).
  h.emulator.faults.arm('callback', { kind: 'reset' }, { times: 1 });
  const reported = await start();
  const accepted = await h.submit(reported.nextAction, TEST_CARDS.mir);
  await h.emulator.callbacksSettled();
  if (accepted.kind === 'accepted') {
    await captured.track('finalise', service.finalise(reported.id, { query: accepted.hostReport }));
  }

  // Forged callbacks and a hostile term_url.
  const stuck = await start();
  const stuckAction = formAction(stuck.nextAction);
  await h.submit(stuck.nextAction, PAYONLINE_TEST_CARDS.stuck);
  await h.post(h.callbackUrl, {
    DateTime: '2026-01-15 09:00:00',
    TransactionID: '1',
    OrderId: stuckAction.orderId,
    Amount: '1.00',
    Currency: 'RUB',
    SecurityKey: '0'.repeat(32),
    RebillAnchor: 'forged-anchor',
  });
  await h.post(stuckAction.termUrl ?? '', { PaRes: `"><script>${TEST_CARDS.success.number}`, MD: '1;YWJj' });
  await captured.track('expired', service.waitForCompletion(stuck.id));

  // Errors a host may log.
  h.emulator.faults.arm(
    'search',
    { kind: 'garbage', body: `CardCvv=${TEST_CARDS.success.cvv}` },
    { times: 1 },
  );
  const failing = await start();
  await captured.track('check fails', service.checkOrder(failing.id)).catch((error: unknown) => {
    expect(error).toBeInstanceOf(CardBindingError);
  });
  for (const call of h.hostCalls)
    captured.record(`host call ${call.path}`, call.outcome.error ?? call.outcome.binding);
  await service.settled();
  captured.record('cards', await service.listCards(CUSTOMER.id));
  return h;
}

function secretsOf(h: PayOnlineHarness): NamedSecret[] {
  const transactions = h.emulator.transactions();
  return [
    ...testCardSecrets(),
    { name: 'PAYONLINE_TEST_CARDS.stuck.number', value: PAYONLINE_TEST_CARDS.stuck.number },
    { name: 'private key', value: h.emulator.privateSecurityKey },
    { name: 'a SecurityKey input', value: 'PrivateSecurityKey=' },
    ...transactions.flatMap((transaction, index) => [
      ...(transaction.rebillAnchor
        ? [{ name: `RebillAnchor #${index}`, value: transaction.rebillAnchor }]
        : []),
      ...(transaction.threeDs
        ? [
            { name: `PaReq #${index}`, value: transaction.threeDs.paReq },
            { name: `PD #${index}`, value: transaction.threeDs.pd },
            ...[...transaction.threeDs.issued.keys()].map((paRes) => ({
              name: `PaRes #${index}`,
              value: paRes,
            })),
          ]
        : []),
    ]),
  ];
}

describe.each(STORE_KINDS)('no secret in anything a host sees, on the %s store', (storeKind) => {
  it.each([
    ['browser-form 3-D Secure, text answers', {}],
    [
      'server-side 3-D Secure, XML answers',
      { config: { threeDsMode: 'server' as const, contentType: 'xml' as const } },
    ],
  ])(
    '%s: logs (debug transcripts included), errors, bindings and cards are clean',
    async (_name, options) => {
      const h = await runEverything({ ...options, storeKind, emulator: { slowCloseMs: 20_000 } });
      // The flows did what they should, so the capture is worth reading.
      expect(h.captured.transcript.length).toBeGreaterThan(10);
      expect(h.emulator.requestsTo('void').length).toBeGreaterThan(0);
      expect(h.emulator.transactions().some((transaction) => transaction.rebillAnchor)).toBe(true);
      expectNoSecrets(h.captured, secretsOf(h));

      // And what a database dump shows. PostgreSQL only: the in-memory store holds tokens in this
      // process by design, and has no dump.
      const dumped = await h.testStore.dump?.();
      if (dumped !== undefined) {
        // Worth reading: the saved cards (their RebillAnchors encrypted) and the 3-DS binding's ref are in it.
        expect(dumped.filter((row) => row.table === 'cards').length).toBe(
          (await h.store.listCards(CUSTOMER.id)).length,
        );
        expect(dumped.filter((row) => row.table === 'cards').length).toBeGreaterThan(1);
        const dump = captureFlow();
        for (const row of dumped) dump.record(row.where, row.text);
        expectNoSecrets(dump, [...secretsOf(h), ...h.testStore.secrets]);
      }
    },
  );

  it('the SecurityKey values the host sent are absent from its logs', async () => {
    const h = await runEverything({ storeKind, config: { threeDsMode: 'server' } });
    const keys = h.emulator.requests
      .filter(
        (request) => request.route === 'search' || request.route === 'void' || request.route === 'auth3ds',
      )
      .map((request, index) => ({
        name: `SecurityKey #${index}`,
        value: request.fields['SecurityKey'] ?? '',
      }));
    expect(keys.length).toBeGreaterThan(5);
    const logsOnly = {
      ...h.captured,
      places: () => h.captured.places().filter((place) => place.where.startsWith('log')),
    };
    expectNoSecrets(logsOnly, keys);
  });
});
