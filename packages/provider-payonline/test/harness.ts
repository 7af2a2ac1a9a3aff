import type { IncomingMessage } from 'node:http';
import {
  type BindingStore,
  type CallbackOutcome,
  cardBindingModule,
  CardBindingService,
  CardBindingWorker,
  CARD_BINDING_PROVIDER,
  type CardBindingProvider,
  type CardBindingServiceOptions,
} from '@cardbind/core';
import { type CardInput, FormAction, type NextAction } from '@cardbind/core/client';
import {
  captureFlow,
  type CapturedFlow,
  ManualClock,
  type PayOnlineEmulator,
  type PayOnlineEmulatorOptions,
  readBody,
  type RunningServer,
  SequentialIdGenerator,
  startHttpServer,
  startPayOnlineEmulator,
  TEST_CARDS,
  type TestCard,
} from '@cardbind/testing';
import got from 'got';
import { Container } from 'inversify';
import { payonlineModule, type PayOnlineConfigInput } from '../src/index.js';
import { submitCardForm, type SubmitCardFormResult } from '../src/client/index.js';
import { openStore, type StoreKind, type TestStore } from './stores.js';

export const CUSTOMER = { id: 'cust-1', email: 'ivan@example.test', ip: '203.0.113.7' } as const;
/** The private key the tests configure: it must never show up anywhere. */
export const PRIVATE_KEY = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

/** What the app's card form would hold for a test card. */
export function cardInputOf(card: TestCard, extra: Partial<CardInput> = {}): CardInput {
  return {
    name: card.holder,
    number: card.number,
    expires: card.expires,
    cvv: card.cvv,
    mail: 'ivan@example.test',
    country: 'RU',
    ...extra,
  };
}

export interface HostCall {
  readonly path: string;
  readonly outcome: CallbackOutcome;
}

export interface PayOnlineHarness {
  readonly emulator: PayOnlineEmulator;
  /** The host app: `/payonline/callback` (server to server) and `/payonline/3ds` (term_url). */
  readonly host: RunningServer;
  readonly service: CardBindingService;
  /** The container's background worker: runs what a transition could not finish (a failed void). */
  readonly worker: CardBindingWorker;
  /** The PayOnline provider the container resolved, to call an operation the way core would. */
  provider(): CardBindingProvider;
  /** The service's store: the saved cards' tokens can be read only here. */
  readonly store: BindingStore;
  /** The store with its kind and, on PostgreSQL, a dump of what it wrote. */
  readonly testStore: TestStore<BindingStore>;
  readonly clock: ManualClock;
  readonly captured: CapturedFlow;
  readonly hostCalls: HostCall[];
  readonly termUrl: string;
  readonly callbackUrl: string;
  /** The app: posts the card straight to the emulator, as a phone would. */
  submit(
    action: NextAction | undefined,
    card?: TestCard,
    extra?: Partial<CardInput>,
  ): Promise<SubmitCardFormResult>;
  /** A browser posting a form (url-encoded) and reading the page. */
  post(
    url: string,
    fields: Record<string, string>,
  ): Promise<{ status: number; body: string; headers: Record<string, string> }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<PayOnlineConfigInput>;
  emulator?: PayOnlineEmulatorOptions;
  service?: Partial<CardBindingServiceOptions>;
  /** Defaults to a ManualClock that jumps forward on every sleep. */
  clock?: ManualClock;
  /** The store the service runs on (default: a fresh in-memory one); closed with the harness. */
  storeKind?: StoreKind;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers[name] = value;
    else if (Array.isArray(value)) headers[name] = value.join(', ');
  }
  return headers;
}

/**
 * A whole PayOnline setup on 127.0.0.1: the emulator, a host app whose two routes hand requests to
 * `CardBindingService.handleCallback`, and a real inversify container with the PayOnline module.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<PayOnlineHarness> {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 0, 15, 9, 0, 0), { autoAdvance: true });
  const captured = captureFlow();
  const hostCalls: HostCall[] = [];
  const emulator = await startPayOnlineEmulator({ clock, ...options.emulator });
  // The host's routes exist before the container (its config needs their URLs): filled in below.
  const late: { service?: CardBindingService } = {};

  const host = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    const body = req.method === 'POST' ? Object.fromEntries(new URLSearchParams(await readBody(req))) : {};
    const service = late.service;
    if (!service || !url.pathname.startsWith('/payonline/')) {
      res.writeHead(404).end();
      return;
    }
    const outcome = await service.handleCallback('payonline', {
      method: req.method ?? 'GET',
      path: url.pathname,
      headers: headersOf(req),
      query: Object.fromEntries(url.searchParams),
      body,
    });
    hostCalls.push({ path: url.pathname, outcome });
    res.writeHead(outcome.response.status, outcome.response.headers).end(outcome.response.body);
  });
  const termUrl = `${host.baseUrl}/payonline/3ds`;
  const callbackUrl = `${host.baseUrl}/payonline/callback`;
  emulator.setCallbackUrl(callbackUrl);

  const testStore = await openStore(options.storeKind ?? 'memory');
  const { store } = testStore;
  const container = new Container();
  container.load(
    cardBindingModule({
      store,
      clock,
      ids: new SequentialIdGenerator(),
      logger: captured.logger,
      ...(options.service ? { service: { ...options.service } } : {}),
    }),
    payonlineModule({
      merchantId: emulator.merchantId,
      privateSecurityKey: emulator.privateSecurityKey,
      baseUrl: emulator.baseUrl,
      allowLoopbackHttp: true,
      termUrl,
      timeouts: { connectMs: 1_000, responseMs: 1_500, totalMs: 3_000 },
      retries: 0,
      ...options.config,
    }),
  );
  const ready = container.get(CardBindingService);
  late.service = ready;

  return {
    emulator,
    host,
    service: ready,
    worker: container.get(CardBindingWorker),
    provider: () => {
      const [provider] = container.getAll(CARD_BINDING_PROVIDER);
      if (!provider) throw new Error('no provider registered');
      return provider;
    },
    store,
    testStore,
    clock,
    captured,
    hostCalls,
    termUrl,
    callbackUrl,
    submit: (action, card = TEST_CARDS.success, extra = {}) => {
      if (action?.type !== 'form') throw new Error('the binding has no form action');
      return submitCardForm(action, cardInputOf(card, extra), {
        allowLoopbackHttp: true,
        now: () => clock.now(),
        timeoutMs: 2_000,
      });
    },
    post: async (url, fields) => {
      const response = await got.post(url, {
        form: fields,
        throwHttpErrors: false,
        followRedirect: false,
        retry: { limit: 0 },
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (typeof value === 'string') headers[name] = value;
      }
      return { status: response.statusCode, body: response.body, headers };
    },
    close: async () => {
      await ready.settled();
      await emulator.close();
      await host.close();
      await testStore.close();
    },
  };
}

/** The binding's next action, which for PayOnline must be the form-params request. */
export function formAction(action: NextAction | undefined): FormAction {
  return FormAction.parse(action);
}
