import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowserScript } from '../src/browser-bundle.js';
import { BindingEnvelope } from '../src/shared/api-types.js';
import { errorCodeOf, type InjectAnswer, InjectClient } from './support/inject-client.js';
import { startTestHost, type TestHost } from './support/test-host.js';

// Fastify's inject plays clients at different source addresses; the clock is the real one, and each
// test uses its own customers and addresses so the windows never overlap.
let host: TestHost;
let client: InjectClient;

beforeAll(async () => {
  host = await startTestHost(
    { START_RATE_LIMIT: '2', START_RATE_LIMIT_PER_ADDRESS: '3', TRUST_PROXY: '10.0.0.0/8' },
    { script: await bundleBrowserScript() },
  );
  client = new InjectClient(host.demo.host.app);
}, 60_000);

afterAll(async () => {
  await host?.close();
});

function start(
  cookie: string,
  remoteAddress: string,
  idempotencyKey?: string,
  headers: Record<string, string> = {},
): Promise<InjectAnswer> {
  return client.request({
    method: 'POST',
    url: '/api/bindings',
    cookie,
    remoteAddress,
    headers,
    json: { provider: 'payonline', ...(idempotencyKey === undefined ? {} : { idempotencyKey }) },
  });
}

describe('starting bindings is limited per customer and per source address', () => {
  it('refuses a source address that starts for many customers, and only that address', async () => {
    const address = '203.0.113.10';
    // One client logging in as ever new customers must not get a fresh allowance with each of them.
    const customers = await Promise.all(['kim', 'lee', 'max', 'ned'].map((name) => client.logIn(name)));
    const answers: number[] = [];
    for (const cookie of customers) answers.push((await start(cookie, address)).status);
    expect(answers).toEqual([201, 201, 201, 429]);
    const limited = await start(customers[3] ?? '', address);
    expect(errorCodeOf(limited)).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The same customer from another address is within both of its limits.
    expect((await start(customers[3] ?? '', '203.0.113.11')).status).toBe(201);
  });

  it('still limits one customer who moves between addresses', async () => {
    const olga = await client.logIn('olga');
    const statuses: number[] = [];
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      statuses.push((await start(olga, address)).status);
    }
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('counts IPv6 clients by their /64, which one subscriber holds whole', async () => {
    const cookies = await Promise.all(['pia', 'quin', 'rui', 'sol'].map((name) => client.logIn(name)));
    const statuses: number[] = [];
    for (const [index, cookie] of cookies.entries()) {
      statuses.push((await start(cookie, `2001:db8:1:2::${index + 1}`)).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect((await start(cookies[3] ?? '', '2001:db8:1:3::1')).status).toBe(201);
  });

  it('answers an idempotent replay with the same binding and does not count it', async () => {
    const address = '192.0.2.20';
    const tess = await client.logIn('tess');
    const first = await start(tess, address, 'click-0001');
    expect(first.status).toBe(201);
    const { binding } = BindingEnvelope.parse(first.json);
    // A double click and two network retries of the same click.
    for (let replay = 0; replay < 3; replay++) {
      const again = await start(tess, address, 'click-0001');
      expect(again.status).toBe(201);
      expect(BindingEnvelope.parse(again.json).binding.id).toBe(binding.id);
    }
    // The customer's second real start is still within the limit of 2; the third is not.
    expect((await start(tess, address, 'click-0002')).status).toBe(201);
    expect((await start(tess, address, 'click-0003')).status).toBe(429);
    // A replay starts nothing at the provider, so even a customer at the limit gets it answered.
    const replayAtLimit = await start(tess, address, 'click-0001');
    expect(replayAtLimit.status).toBe(201);
    expect(BindingEnvelope.parse(replayAtLimit.json).binding.id).toBe(binding.id);
  });

  it('believes X-Forwarded-For from a TRUST_PROXY proxy only', async () => {
    // One client behind the load balancer's two nodes: counted as itself, not as the nodes.
    const viaProxy = await Promise.all(['uma', 'vic', 'wes', 'xia'].map((name) => client.logIn(name)));
    const proxied: number[] = [];
    for (const [index, cookie] of viaProxy.entries()) {
      const node = `10.0.0.${(index % 2) + 1}`;
      proxied.push((await start(cookie, node, undefined, { 'x-forwarded-for': '203.0.113.30' })).status);
    }
    expect(proxied).toEqual([201, 201, 201, 429]);
    // A client that is no trusted proxy cannot dodge its limit by naming a new address each time.
    const direct = await Promise.all(['yan', 'zoe', 'abe', 'bea'].map((name) => client.logIn(name)));
    const spoofed: number[] = [];
    for (const [index, cookie] of direct.entries()) {
      const forwarded = { 'x-forwarded-for': `198.18.0.${index + 1}` };
      spoofed.push((await start(cookie, '198.51.100.50', undefined, forwarded)).status);
    }
    expect(spoofed).toEqual([201, 201, 201, 429]);
  });
});
