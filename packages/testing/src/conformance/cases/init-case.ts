import { Binding, NextAction } from '@cardbind/core';
import { assertSecureUrl } from '@cardbind/core/client';
import { conform, ConformanceViolation } from '../conformance-violation.js';
import { withHarness } from '../harness.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { describeError } from './support.js';

function checkUrl(url: string | undefined, what: string, allowLoopbackHttp: boolean): void {
  conform('init', url !== undefined && url !== '', `${what} is missing`);
  try {
    assertSecureUrl(url, { allowLoopbackHttp });
  } catch (error) {
    // The URL's scheme and host are safe to show; its query may carry a session token.
    const shown = URL.canParse(url) ? `${new URL(url).protocol}//${new URL(url).host}/…` : '(unparseable)';
    throw new ConformanceViolation('init', `${what} ${shown} is refused: ${describeError(error)}`);
  }
}

/**
 * init returns a valid NextAction whose URLs are https (loopback http only when allowed), a binding
 * in `requires_action` with a later expiry, and a replayed start (same idempotency key) calls nobody.
 */
export async function initCase<B extends ConformanceBackend>(options: ConformanceOptions<B>): Promise<void> {
  await withHarness(options, 'init', async (h) => {
    const binding = await h.start({ idempotencyKey: 'conformance-init' });
    conform('init', Binding.safeParse(binding).success, 'start returned something that is not a Binding');
    conform(
      'init',
      binding.status === 'requires_action',
      `start returned status ${binding.status}, not requires_action`,
    );
    conform(
      'init',
      binding.provider === options.providerId,
      `the binding names provider ${binding.provider}`,
    );
    const parsed = NextAction.safeParse(binding.nextAction);
    conform(
      'init',
      parsed.success,
      () =>
        `nextAction is not a valid NextAction (${parsed.error?.issues.map((i) => i.path.join('.')).join(', ')})`,
    );
    const action = parsed.data;
    checkUrl(action.url, `nextAction.url (${action.type})`, options.allowLoopbackHttp);
    if (action.type === 'form') {
      if (action.termUrl !== undefined)
        checkUrl(action.termUrl, 'nextAction.termUrl', options.allowLoopbackHttp);
      if (action.processor.homepage !== undefined) {
        checkUrl(action.processor.homepage, 'nextAction.processor.homepage', options.allowLoopbackHttp);
      }
      conform('init', action.orderId !== '', 'nextAction.orderId is empty');
      conform('init', action.params.length > 0, 'a form action without params gives the app nothing to send');
    }
    conform(
      'init',
      binding.expiresAt.getTime() > binding.createdAt.getTime(),
      'the binding expires no later than it was created',
    );

    const requestsBefore = h.proxy.requests.length;
    const replay = await h.start({ idempotencyKey: 'conformance-init' });
    conform('init', replay.id === binding.id, 'a start with the same idempotency key made a second binding');
    conform(
      'init',
      h.proxy.requests.length === requestsBefore,
      () => `a replayed start sent ${h.proxy.requests.length - requestsBefore} request(s) to the provider`,
    );
  });
}
