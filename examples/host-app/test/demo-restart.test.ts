import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeAddSession, TEST_CARDS } from '@cardbind/testing/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChargeEnvelope, ChargesEnvelope } from '../src/shared/charge-api-types.js';
import { HostApi, payOnlineForm, postPayOnlineForm } from './support/host-api.js';
import { type HostProcess, startHostProcess } from './support/host-process.js';

// `pnpm demo` itself (build included), twice on one data folder: a temporary one through
// CARDBIND_DATA_DIR, so the test never touches the developer's .cardbind-demo/.
let dataDir: string;
let running: HostProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cardbind-demo-'));
});

afterAll(async () => {
  await running?.kill();
  await rm(dataDir, { recursive: true, force: true });
});

async function startDemoCommand(): Promise<HostProcess> {
  running = await startHostProcess({
    command: 'pnpm-demo',
    env: { CARDBIND_DATA_DIR: dataDir },
    timeoutMs: 90_000,
  });
  return running;
}

describe('pnpm demo keeps its state across a restart', () => {
  it('finds the saved card, the open binding and the session after SIGTERM and a new start', async () => {
    const first = await startDemoCommand();
    expect(first.output()).toContain(`Storage   PGlite in ${dataDir}`);
    const api = new HostApi(first.url);
    const cookie = await api.logIn('restart-customer');

    // A Payture card, through the hosted page and the return to the shop, as the browser goes.
    const payture = await api.start(cookie, 'payture');
    if (payture.nextAction?.type !== 'redirect') throw new Error('Payture sends the customer away');
    const page = await completeAddSession(payture.nextAction.url, { number: TEST_CARDS.success.number });
    expect(page.status).toBe(302);
    expect((await api.paytureReturn(cookie, page.location ?? '')).status).toBe(303);
    const saved = await api.settled(cookie, payture.id);
    expect(saved.status).toBe('succeeded');

    // A charge on it, kept by the PGlite store itself (the demo gives core no other charge store).
    const charged = await api.request(`/api/cards/${saved.card?.id}/charges`, {
      method: 'POST',
      cookie,
      json: { amount: '10.00' },
      headers: { 'idempotency-key': 'restart-charge-1' },
    });
    const charge = ChargeEnvelope.parse(charged.json).charge;
    expect(charge.status).toBe('succeeded');

    // A PayOnline binding the customer has not finished: its card form is still on the page.
    const open = await api.start(cookie, 'payonline');
    expect(open.status).toBe('requires_action');
    const form = payOnlineForm(open, TEST_CARDS.success);

    await first.stop();
    // A clean shutdown: the storage was closed, which releases the folder's lock.
    await expect(stat(join(dataDir, 'demo.lock'))).rejects.toThrow(/ENOENT/);

    const second = await startDemoCommand();
    const again = new HostApi(second.url);
    // The same cookie: the session key and the session row both came back from the data folder.
    expect(await again.customerOf(cookie)).toBe('restart-customer');
    expect((await again.cards(cookie)).map((card) => card.id)).toEqual([saved.card?.id]);
    expect(await again.binding(cookie, payture.id)).toMatchObject({ status: 'succeeded' });
    expect(await again.binding(cookie, open.id)).toMatchObject({ status: 'requires_action' });
    const charges = ChargesEnvelope.parse((await again.request('/api/charges', { cookie })).json).charges;
    expect(charges.map(({ id, status }) => ({ id, status }))).toEqual([
      { id: charge.id, status: 'succeeded' },
    ]);

    // And the open binding can still be finished: the PayOnline emulator is back on its address with
    // its key, so the form the page kept posts to it, and its callback reaches the new process.
    await postPayOnlineForm(form);
    expect((await again.settled(cookie, open.id)).status).toBe('succeeded');
    expect(await again.cards(cookie)).toHaveLength(2);

    // What the demo generated is readable by its owner only, and no key reaches the log.
    const keyFiles = ['token-keys', 'session-secret', 'emulators.json'];
    for (const name of keyFiles) {
      expect({ name, mode: (await stat(join(dataDir, name))).mode & 0o777 }).toEqual({ name, mode: 0o600 });
    }
    const output = first.output() + second.output();
    for (const secret of (await readFile(join(dataDir, 'token-keys'), 'utf8')).trim().split(',')) {
      expect(output).not.toContain(secret.slice(secret.indexOf(':') + 1));
    }
    expect(output).not.toContain((await readFile(join(dataDir, 'session-secret'), 'utf8')).trim());
    expect(output).not.toContain(TEST_CARDS.success.number);

    await second.stop();
    await expect(stat(join(dataDir, 'demo.lock'))).rejects.toThrow(/ENOENT/);
  }, 180_000);
});
