import { describe, it } from 'vitest';
import { undeclaredFor } from './cases/charging-support.js';
import { CONFORMANCE_CASE_TITLES, conformanceCases } from './conformance-cases.js';
import {
  CONFORMANCE_CASES,
  type ConformanceBackend,
  type ConformanceCase,
  type ConformanceOptions,
} from './options.js';

// Real-time budgets per case: the fault cases wait for several client timeouts.
const CASE_TIMEOUT_MS = { default: 60_000, faults: 180_000 } as const;
const WAITS_FOR_TIMEOUTS: ReadonlySet<ConformanceCase> = new Set(['faults', 'chargeFaults']);

/**
 * Registers the provider contract suite with vitest: one `it` per case (see CONFORMANCE_CASES), each
 * in a fresh world — the backend from `startBackend`, the fault proxy in front of it, a callback
 * receiver, and a real container with `cardBindingModule` and the modules from `createModules`.
 *
 * ```ts
 * describeProviderConformance({
 *   name: 'ToyPay',
 *   providerId: 'toypay',
 *   startBackend: ({ callbackUrl }) => startToyPayEmulator({ apiKey, webhookSecret, notifyUrl: callbackUrl }),
 *   createModules: (env) => [
 *     toyPayModule({ baseUrl: env.baseUrl, apiKey, webhookSecret, allowLoopbackHttp: true, timeouts: env.httpTimeouts }),
 *   ],
 *   scenarios: {
 *     succeed: async ({ binding }) => void (await payOnHostedPage(binding, TEST_CARDS.success)),
 *     decline: async ({ binding }) => void (await payOnHostedPage(binding, TEST_CARDS.decline)),
 *   },
 *   complete: 'finalise',
 *   secrets: [apiKey, webhookSecret],
 *   allowLoopbackHttp: true,
 *   skip: { abandon: 'sessions never expire at this gateway' },
 * });
 * ```
 *
 * A skipped case is registered as `it.skip` with its reason in the title, and the reason is printed.
 * The charging cases are optional capabilities: without `charging` (or the part a case needs, e.g.
 * `charging.refunds`) each is registered as `it.skip` titled "not declared: charging…", unprinted —
 * a provider that does not charge has nothing to explain.
 */
export function describeProviderConformance<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): void {
  for (const name of CONFORMANCE_CASES) {
    const reason = options.skip?.[name];
    if (reason === undefined) continue;
    if (reason.trim() === '') throw new TypeError(`skip.${name} needs a reason`);
    // eslint-disable-next-line no-console -- a skipped contract case must be visible in every run's output
    console.warn(`[conformance] ${options.name}: "${name}" skipped: ${reason}`);
  }
  describe(`${options.name}: provider conformance`, () => {
    for (const name of CONFORMANCE_CASES) {
      const title = CONFORMANCE_CASE_TITLES[name];
      const reason = options.skip?.[name];
      const undeclared = undeclaredFor(options, name);
      if (reason !== undefined) it.skip(`${title} — skipped: ${reason}`, () => undefined);
      else if (undeclared !== undefined) it.skip(`${title} — not declared: ${undeclared}`, () => undefined);
      else
        it(
          title,
          () => conformanceCases[name](options),
          WAITS_FOR_TIMEOUTS.has(name) ? CASE_TIMEOUT_MS.faults : CASE_TIMEOUT_MS.default,
        );
    }
  });
}
