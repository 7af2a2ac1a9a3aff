import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CardBindingError,
  bindCardBindingProvider,
  cardBindingModule,
  CardBindingService,
  createHttpClient,
  type CardBindingProvider,
  type HttpClient,
  type Logger,
  type InitOutcome,
  type ProviderOutcome,
  Secret,
} from '../src/index.js';
import { Container, ContainerModule } from 'inversify';

const PAN = '4111111111111111';
const CVV = '737';
const PASSWORD = 'terminal-pass-9f2c';

/** A backend that echoes every request body, like a careless provider echoing card data in errors. */
let server: Server;
let baseUrl = '';
let failNext = false;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const status = failNext ? 500 : 200;
      failNext = false;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`echo: ${decodeURIComponent(body)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: AddressInfo | string | null = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

class EchoingProvider implements CardBindingProvider {
  readonly id = 'echo';
  readonly password = new Secret(PASSWORD);
  constructor(private readonly http: HttpClient) {}

  async init(): Promise<InitOutcome> {
    await this.http.request({
      method: 'POST',
      url: `${baseUrl}/init`,
      form: { VWUserPsw: this.password.reveal(), Note: `pw ${this.password}` },
    });
    return {
      status: 'requires_action',
      action: { type: 'redirect', url: 'https://pay.example.test/add', method: 'GET' },
      providerRef: { login: 'customer-1' },
    };
  }

  async finalise(): Promise<ProviderOutcome> {
    const answer = await this.http.request({
      method: 'POST',
      url: `${baseUrl}/pay`,
      form: { CardNumber: PAN, CardCvv: CVV, Password: this.password.reveal() },
    });
    if (answer.body.includes('echo')) {
      return {
        status: 'succeeded',
        card: { token: 'tok-1', display: { maskedPan: '411111******1111', holder: 'IVAN' } },
      };
    }
    return { status: 'failed', error: new CardBindingError('CARD_DECLINED', 'Declined') };
  }
}

describe('no secret leaves a flow', () => {
  it('logs (all levels), errors and serialised bindings of a whole flow hold no PAN, CVV or password', async () => {
    const captured: string[] = [];
    const record = (level: string) => (obj: Record<string, unknown>, msg?: string) =>
      void captured.push(`${level} ${msg ?? ''} ${JSON.stringify(obj)} ${inspect(obj, { depth: 10 })}`);
    const logger: Logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    // Wired as a provider module is: its client gets the container's redaction, its wire names with it.
    let http: HttpClient | undefined;
    const container = new Container();
    container.load(
      cardBindingModule({ logger }),
      new ContainerModule((load) =>
        bindCardBindingProvider(
          load,
          'echo',
          (dependencies) => {
            http = createHttpClient({ name: 'echo', ...dependencies, retries: 0 });
            return new EchoingProvider(http);
          },
          { redaction: { dropFields: ['VWUserPsw'] } },
        ),
      ),
    );
    const service = container.get(CardBindingService);

    const binding = await service.start({ provider: 'echo', customer: { id: 'c-1' } });
    captured.push(JSON.stringify(binding), inspect(binding, { depth: 10 }));
    failNext = true;
    const error = await service.finalise(binding.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    captured.push(JSON.stringify(error), inspect(error, { depth: 10 }), String(error));
    const done = await service.finalise(binding.id);
    expect(done.status).toBe('succeeded');
    captured.push(
      JSON.stringify(done),
      inspect(done, { depth: 10 }),
      JSON.stringify(await service.listCards('c-1')),
    );
    http?.close();

    // The capture really holds the traffic: the exchange lines are there, with their secrets masked.
    const text = captured.join('\n');
    expect(text).toContain('provider http exchange');
    expect(text).toContain('411111******1111');
    for (const secret of [PAN, PASSWORD, 'tok-1']) expect(text).not.toContain(secret);
    // A three-digit CVV also occurs inside durations and ports: it counts only where it stands alone.
    expect(text).not.toMatch(new RegExp(`(?<![\\w.:])${CVV}(?![\\w.:])`));
  });
});
