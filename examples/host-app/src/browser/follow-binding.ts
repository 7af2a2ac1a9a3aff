/// <reference lib="dom" />
import { waitForBinding } from '@cardbind/provider-payonline/client';
import type { BindingView, ClientConfig } from '../shared/api-types.js';
import { api } from './api.js';
import { statusPanel } from './status-panel.js';

const OPEN = new Set(['requires_action', 'processing']);

/**
 * Polls the host for a binding (every `pollIntervalMs`, LitRes's ~3 s) until it succeeds, fails or
 * expires, with a progress bar counting down to the binding's deadline (`expiresAt`). The host expires
 * an open binding there; the page waits two more polls for that answer before giving up on its own.
 */
export async function followBinding(
  bindingId: string,
  config: ClientConfig,
  options: { hint?: 'failed' } = {},
): Promise<BindingView | undefined> {
  const first = (await api.binding(bindingId)).binding;
  if (!OPEN.has(first.status)) return first;
  if (options.hint === 'failed') {
    // The provider's page said it failed. Only a display hint: the binding itself is left to the host.
    return {
      ...first,
      status: 'failed',
      failure: { code: 'NOT_ADDED', message: 'The card was not added', retryable: true },
    };
  }

  const deadline = Date.parse(first.expiresAt);
  const total = Math.max(1, deadline - Date.parse(first.createdAt));
  const tick = (): void => {
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    statusPanel.say(`Waiting for the payment system to confirm your card… (${left} s left)`);
    statusPanel.progress(1 - (deadline - Date.now()) / total);
  };
  tick();
  const timer = setInterval(tick, 500);
  try {
    const result = await waitForBinding(async (signal) => (await api.binding(bindingId, signal)).binding, {
      intervalMs: config.pollIntervalMs,
      timeoutMs: Math.max(0, deadline - Date.now()) + 2 * config.pollIntervalMs,
    });
    if (result.kind === 'finished') return result.binding;
    const last = result.binding ?? first;
    return {
      ...last,
      status: 'failed',
      failure: { code: 'TIMED_OUT', message: result.message, retryable: true },
    };
  } finally {
    clearInterval(timer);
    statusPanel.progress(undefined);
  }
}
