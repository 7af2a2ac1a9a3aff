import { randomBytes } from 'node:crypto';
import {
  PAYONLINE_TEST_CARDS,
  startPayOnlineEmulator,
  startPaytureEmulator,
  TEST_CARDS,
  type PayOnlineEmulator,
  type PaytureEmulator,
  type TestCard,
} from '@cardbind/testing/emulators';
import type { HostAppEnv } from './config.js';
import type { ProviderSettings } from './container.js';
import type { ClientConfig } from './shared/api-types.js';
import type { DataFolder } from './storage/data-folder.js';
import { z } from 'zod';

export interface EmulatorOptions {
  /** How long the PayOnline slow-close card takes to close. */
  payonlineSlowCloseMs?: number;
  /** How long the Payture slow-close card takes to appear. */
  paytureSlowCloseMs?: number;
  /**
   * Where to keep the emulators' ports and made-up credentials, so a restarted demo comes back on the
   * same addresses with the same keys: an open PayOnline binding's form still posts to a live emulator
   * whose key checks its signature, and Payture logins derive from the same customer secret.
   */
  remember?: DataFolder;
}

const EMULATORS_FILE = 'emulators.json';

/** What the demo keeps about its emulators between runs. Secrets, but made up: they guard no money. */
const RememberedEmulators = z.object({
  payture: z.object({
    port: z.number().int().min(0).max(65_535),
    terminalPassword: z.string().min(1),
    customerSecret: z.string().min(16),
  }),
  payonline: z.object({
    port: z.number().int().min(0).max(65_535),
    privateSecurityKey: z.string().min(1),
  }),
});
type RememberedEmulators = z.infer<typeof RememberedEmulators>;

export interface StartedProviders {
  settings: ProviderSettings;
  /** The emulators this run started (none when both providers point at real sandboxes). */
  payture?: PaytureEmulator;
  payonline?: PayOnlineEmulator;
  /** Magic cards to list on the page, when any emulator runs. */
  testCards?: ClientConfig['testCards'];
  /** Points the emulators' server-to-server notifications at the host, once its URL is known. */
  connectNotifications(publicUrl: string): void;
  close(): Promise<void>;
}

/**
 * The provider settings from the environment: a provider with a base URL uses it (a real sandbox);
 * one without gets its emulator from @cardbind/testing on 127.0.0.1, with credentials made up here.
 */
export async function startProviders(
  env: HostAppEnv,
  options: EmulatorOptions = {},
): Promise<StartedProviders> {
  const anyEmulator = env.PAYTURE_BASE_URL === undefined || env.PAYONLINE_BASE_URL === undefined;
  const remembered = RememberedEmulators.safeParse(
    anyEmulator ? await options.remember?.readJson(EMULATORS_FILE) : undefined,
  );
  const last = remembered.success ? remembered.data : undefined;
  const made: RememberedEmulators = {
    payture: {
      port: last?.payture.port ?? 0,
      terminalPassword: last?.payture.terminalPassword ?? randomBytes(12).toString('base64url'),
      customerSecret: last?.payture.customerSecret ?? randomBytes(24).toString('base64url'),
    },
    payonline: {
      port: last?.payonline.port ?? 0,
      privateSecurityKey: last?.payonline.privateSecurityKey ?? randomBytes(24).toString('base64url'),
    },
  };
  let payture: PaytureEmulator | undefined;
  let payonline: PayOnlineEmulator | undefined;
  try {
    if (env.PAYTURE_BASE_URL === undefined) {
      payture = await onPreferredPort(made.payture.port, (port) =>
        startPaytureEmulator({
          addTerminal: 'DemoAdd',
          terminalPassword: made.payture.terminalPassword,
          ...(options.paytureSlowCloseMs === undefined ? {} : { slowCloseMs: options.paytureSlowCloseMs }),
          ...(port === 0 ? {} : { port }),
        }),
      );
      made.payture.port = Number(new URL(payture.baseUrl).port);
    }
    if (env.PAYONLINE_BASE_URL === undefined) {
      payonline = await onPreferredPort(made.payonline.port, (port) =>
        startPayOnlineEmulator({
          merchantId: '1000',
          privateSecurityKey: made.payonline.privateSecurityKey,
          ...(options.payonlineSlowCloseMs === undefined
            ? {}
            : { slowCloseMs: options.payonlineSlowCloseMs }),
          ...(port === 0 ? {} : { port }),
        }),
      );
      made.payonline.port = Number(new URL(payonline.baseUrl).port);
    }
    if ((payture || payonline) && options.remember) {
      await options.remember.writeJson(EMULATORS_FILE, made);
    }
  } catch (error) {
    await Promise.all([payture?.close(), payonline?.close()]);
    throw error;
  }

  const settings: ProviderSettings = {
    payture: payture
      ? {
          baseUrl: payture.baseUrl,
          addTerminal: payture.addTerminal,
          terminalPassword: payture.terminalPassword,
          customerSecret: made.payture.customerSecret,
        }
      : {
          baseUrl: required(env.PAYTURE_BASE_URL),
          addTerminal: required(env.PAYTURE_ADD_TERMINAL),
          terminalPassword: required(env.PAYTURE_TERMINAL_PASSWORD),
          customerSecret: required(env.PAYTURE_CUSTOMER_SECRET),
        },
    payonline: payonline
      ? {
          baseUrl: payonline.baseUrl,
          merchantId: payonline.merchantId,
          privateSecurityKey: payonline.privateSecurityKey,
        }
      : {
          baseUrl: required(env.PAYONLINE_BASE_URL),
          merchantId: required(env.PAYONLINE_MERCHANT_ID),
          privateSecurityKey: required(env.PAYONLINE_PRIVATE_SECURITY_KEY),
        },
  };

  return {
    settings,
    ...(payture ? { payture } : {}),
    ...(payonline ? { payonline } : {}),
    ...(payture || payonline ? { testCards: demoTestCards(payonline?.otp ?? '123456') } : {}),
    connectNotifications(publicUrl) {
      payture?.setNotificationUrl(new URL('/callbacks/payture', publicUrl).toString());
      payonline?.setCallbackUrl(new URL('/callbacks/payonline', publicUrl).toString());
    },
    async close() {
      await Promise.all([payture?.close(), payonline?.close()]);
    },
  };
}

/** Last run's port when it is still free (another program may have taken it since), else any. */
async function onPreferredPort<T>(port: number, start: (port: number) => Promise<T>): Promise<T> {
  if (port === 0) return start(0);
  try {
    return await start(port);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') return start(0);
    throw error;
  }
}

/** The config schema already demanded these when the base URL is set. */
function required(value: string | undefined): string {
  if (value === undefined) throw new Error('a provider variable is missing');
  return value;
}

function demoTestCards(otp: string): NonNullable<ClientConfig['testCards']> {
  const row = (card: TestCard, meaning: string) => {
    const { number, expires, cvv, holder } = card;
    return { number, expires, cvv, holder, meaning };
  };
  return [
    row(TEST_CARDS.success, 'binds at once'),
    row(TEST_CARDS.threeDSecure, `PayOnline: asks for 3-D Secure (the bank's code is ${otp}), then binds`),
    row(TEST_CARDS.decline, 'the issuer declines it'),
    row(TEST_CARDS.insufficientFunds, 'declined: the verification amount cannot be held'),
    row(TEST_CARDS.slowClose, 'accepted; the result comes a little later'),
    row(
      PAYONLINE_TEST_CARDS.stuck,
      'PayOnline: accepted, and the order never closes (fails at the deadline)',
    ),
  ];
}
