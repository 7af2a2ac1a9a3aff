import { randomBytes } from 'node:crypto';
import {
  PAYONLINE_CHARGE_CARDS,
  PAYONLINE_TEST_CARDS,
  PAYTURE_MAGIC_CARDS,
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
    // Optional: a data folder from before charging has none, and must keep its ports and keys.
    payTerminalPassword: z.string().min(1).optional(),
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
  const payTerminalPassword = last?.payture.payTerminalPassword ?? randomBytes(12).toString('base64url');
  const made: RememberedEmulators = {
    payture: {
      port: last?.payture.port ?? 0,
      terminalPassword: last?.payture.terminalPassword ?? randomBytes(12).toString('base64url'),
      customerSecret: last?.payture.customerSecret ?? randomBytes(24).toString('base64url'),
      payTerminalPassword,
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
          payTerminal: 'DemoPay',
          payTerminalPassword,
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
          payTerminal: payture.payTerminal,
          payTerminalPassword: payture.payTerminalPassword,
        }
      : {
          baseUrl: required(env.PAYTURE_BASE_URL),
          addTerminal: required(env.PAYTURE_ADD_TERMINAL),
          terminalPassword: required(env.PAYTURE_TERMINAL_PASSWORD),
          customerSecret: required(env.PAYTURE_CUSTOMER_SECRET),
          ...(env.PAYTURE_PAY_TERMINAL === undefined ? {} : { payTerminal: env.PAYTURE_PAY_TERMINAL }),
          ...(env.PAYTURE_PAY_TERMINAL_PASSWORD === undefined
            ? {}
            : { payTerminalPassword: env.PAYTURE_PAY_TERMINAL_PASSWORD }),
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
    ...(payture || payonline
      ? {
          testCards: demoTestCards({
            payonline: payonline?.otp ?? '123456',
            payture: payture?.otp ?? '123456',
          }),
        }
      : {}),
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

function demoTestCards(otp: { payonline: string; payture: string }): NonNullable<ClientConfig['testCards']> {
  const row = (card: TestCard, meaning: string) => {
    const { number, expires, cvv, holder } = card;
    return { number, expires, cvv, holder, meaning };
  };
  // Payture's charge cards are numbers only: any expiry and CVV bind them, so the shared card's are shown.
  const paytureRow = (card: { number: string }, meaning: string) =>
    row({ ...TEST_CARDS.success, number: card.number }, meaning);
  return [
    row(TEST_CARDS.success, 'binds at once; charges succeed'),
    row(
      TEST_CARDS.threeDSecure,
      `PayOnline: asks for 3-D Secure (the bank's code is ${otp.payonline}), then binds`,
    ),
    row(TEST_CARDS.decline, 'the issuer declines it'),
    row(TEST_CARDS.insufficientFunds, 'declined: the verification amount cannot be held'),
    row(TEST_CARDS.slowClose, 'accepted; the result comes a little later'),
    row(
      PAYONLINE_TEST_CARDS.stuck,
      'PayOnline: accepted, and the order never closes (fails at the deadline)',
    ),
    // Cards that bind at once and then answer a charge in one way each.
    paytureRow(
      PAYTURE_MAGIC_CARDS.chargeThreeDSecure,
      `Payture: a charge asks for 3-D Secure (the bank's code is ${otp.payture})`,
    ),
    paytureRow(
      PAYTURE_MAGIC_CARDS.chargeInsufficientFunds,
      'Payture: a charge is declined, no retry for 4 days',
    ),
    paytureRow(PAYTURE_MAGIC_CARDS.chargeBlocked, 'Payture: a charge is declined, never to be retried'),
    paytureRow(
      PAYTURE_MAGIC_CARDS.chargeIssuerFail,
      'Payture: a charge is declined, at most 5 attempts a day',
    ),
    paytureRow(
      PAYTURE_MAGIC_CARDS.chargeLostAnswer,
      "Payture: a charge's answer is lost; it stays processing until the shop asks Payture",
    ),
    row(PAYONLINE_CHARGE_CARDS.insufficientFunds, 'PayOnline: a charge is declined, no retry for 4 days'),
    row(PAYONLINE_CHARGE_CARDS.issuerDeclineFinal, 'PayOnline: a charge is declined, never to be retried'),
    row(PAYONLINE_CHARGE_CARDS.issuerDecline, 'PayOnline: a charge is declined, at most 5 attempts a day'),
    row(
      PAYONLINE_CHARGE_CARDS.lostAnswer,
      "PayOnline: a charge's answer is lost; it stays processing until the shop asks PayOnline",
    ),
  ];
}
