import { afterEach, describe, expect, it } from 'vitest';
import {
  readBody,
  type RunningServer,
  startFaultProxy,
  startHttpServer,
  type FaultProxy,
} from '../src/index.js';

interface Seen {
  method: string;
  url: string;
  header: string | undefined;
  body: string;
}

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

/** An upstream that echoes what it received, and redirects on /go. */
async function startEcho(): Promise<{ server: RunningServer; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = await startHttpServer(async (req, res) => {
    const body = await readBody(req);
    const header = req.headers['x-test'];
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      header: typeof header === 'string' ? header : undefined,
      body,
    });
    if (req.url === '/go') {
      res.writeHead(302, { location: `${server.baseUrl}/landing?x=1` }).end();
      return;
    }
    res
      .writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes' })
      .end(JSON.stringify({ got: body }));
  });
  closers.push(() => server.close());
  return { server, seen };
}

async function proxyTo(
  target: string,
  plan?: Parameters<typeof startFaultProxy>[0]['plan'],
): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ target, ...(plan ? { plan } : {}) });
  closers.push(() => proxy.close());
  return proxy;
}

describe('startFaultProxy', () => {
  it('forwards method, path, query, headers and body, and answers with the upstream answer', async () => {
    const { server, seen } = await startEcho();
    const proxy = await proxyTo(server.baseUrl);
    expect(proxy.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${proxy.baseUrl}/api/sessions?lang=en`, {
      method: 'POST',
      headers: { 'x-test': 'hello', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=%3B',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-upstream')).toBe('yes');
    expect(await res.json()).toEqual({ got: 'a=1&b=%3B' });
    expect(seen).toEqual([
      { method: 'POST', url: '/api/sessions?lang=en', header: 'hello', body: 'a=1&b=%3B' },
    ]);
    expect(proxy.requests).toEqual([{ method: 'POST', path: '/api/sessions', statusCode: 201 }]);
  });

  it('rewrites a Location that points at the target to point at the proxy', async () => {
    const { server } = await startEcho();
    const proxy = await proxyTo(server.baseUrl);
    const res = await fetch(`${proxy.baseUrl}/go`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${proxy.baseUrl}/landing?x=1`);
  });

  it('faults by path prefix, the longest prefix first, and leaves other paths alone', async () => {
    const { server, seen } = await startEcho();
    const proxy = await proxyTo(server.baseUrl);
    proxy.arm('/api', { kind: 'status', status: 503, body: 'down' });
    proxy.arm('/api/status', { kind: 'garbage', body: 'junk' });
    const down = await fetch(`${proxy.baseUrl}/api/sessions`, { method: 'POST', body: 'x' });
    expect([down.status, await down.text()]).toEqual([503, 'down']);
    const junk = await fetch(`${proxy.baseUrl}/api/status/1`);
    expect([junk.status, await junk.text()]).toEqual([200, 'junk']);
    const page = await fetch(`${proxy.baseUrl}/pay/1`);
    expect(page.status).toBe(201);
    expect(seen.map((s) => s.url)).toEqual(['/pay/1']);
    expect(proxy.requests.map((r) => [r.path, r.fault, r.statusCode])).toEqual([
      ['/api/sessions', 'status', 503],
      ['/api/status/1', 'garbage', 200],
      ['/pay/1', undefined, 201],
    ]);
    proxy.clear();
    expect((await fetch(`${proxy.baseUrl}/api/sessions`)).status).toBe(201);
  });

  it('faults by call count: lets `after` requests through, then hits `times` of them', async () => {
    const { server } = await startEcho();
    const proxy = await proxyTo(server.baseUrl, [
      { path: '/', fault: { kind: 'status', status: 500 }, after: 1, times: 2 },
    ]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${proxy.baseUrl}/x`)).status);
    expect(statuses).toEqual([201, 500, 500, 201]);
    expect(proxy.hits('/x')).toBe(4);
  });

  it('answers HTML pages and empty bodies as a load balancer would', async () => {
    const { server } = await startEcho();
    const proxy = await proxyTo(server.baseUrl);
    proxy.arm('/html', { kind: 'html' }).arm('/empty', { kind: 'empty' });
    const html = await fetch(`${proxy.baseUrl}/html`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('Bad Gateway');
    expect(await (await fetch(`${proxy.baseUrl}/empty`)).text()).toBe('');
  });

  it('resets the connection without forwarding', async () => {
    const { server, seen } = await startEcho();
    const proxy = await proxyTo(server.baseUrl);
    proxy.arm('/', { kind: 'reset' });
    const error = await fetch(`${proxy.baseUrl}/x`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(seen).toEqual([]);
    expect(proxy.requests).toEqual([{ method: 'GET', path: '/x', fault: 'reset' }]);
  });

  it('hangs until the client gives up, and close() ends hung connections', async () => {
    const { server, seen } = await startEcho();
    const proxy = await proxyTo(server.baseUrl);
    proxy.arm('/', { kind: 'hang' });
    const error = await fetch(`${proxy.baseUrl}/x`, { signal: AbortSignal.timeout(200) }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'TimeoutError' });
    const stillHanging = fetch(`${proxy.baseUrl}/y`).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await proxy.close();
    expect(await stillHanging).toBeInstanceOf(TypeError);
    expect(seen).toEqual([]);
  });

  it('forwards a delayed request, unless its client gave up meanwhile', async () => {
    const { server, seen } = await startEcho();
    const proxy = await proxyTo(server.baseUrl);
    proxy.arm('/slow', { kind: 'delay', ms: 300 });
    expect((await fetch(`${proxy.baseUrl}/slow/ok`)).status).toBe(201);
    const gaveUp = await fetch(`${proxy.baseUrl}/slow/abandoned`, { signal: AbortSignal.timeout(50) }).catch(
      (e: unknown) => e,
    );
    expect(gaveUp).toMatchObject({ name: 'TimeoutError' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(seen.map((s) => s.url)).toEqual(['/slow/ok']);
  });

  it('answers 502 when the target is down', async () => {
    const { server } = await startEcho();
    const proxy = await proxyTo(server.baseUrl);
    await server.close();
    expect((await fetch(`${proxy.baseUrl}/x`)).status).toBe(502);
  });

  it('refuses protocol-specific faults it cannot speak', async () => {
    const { server } = await startEcho();
    const proxy = await proxyTo(server.baseUrl);
    expect(() => proxy.arm('/', { kind: 'malformed' })).toThrow(/cannot inject "malformed"/);
    expect(() => proxy.arm('/', { kind: 'reject', code: 'X' })).toThrow(/cannot inject "reject"/);
    await expect(startFaultProxy({ target: 'https://example.test' })).rejects.toThrow(/http targets only/);
  });
});
