/// <reference lib="dom" />
import { assertSecureUrl } from '@cardbind/core/client';
import type { CardListItem, ClientConfig } from '../shared/api-types.js';
import type { ChargeView, RefundView } from '../shared/charge-api-types.js';
import { api, ApiError } from './api.js';
import { chargePanel } from './charge-panel.js';
import { chargeOutcomeText, moneyText } from './charge-text.js';
import { renderCharges } from './charges-list.js';
import { newIdempotencyKey } from './idempotency-key.js';
import { messageOf } from './message-of.js';
import { postForm } from './post-form.js';

/** Past core's own limit (a charge the provider never got fails after 10 minutes), with room to spare. */
const FOLLOW_LIMIT_MS = 15 * 60_000;
/** Resends of one click's request after a network error or a 5xx: safe, it carries the same key. */
const RESENDS = 2;
const RESEND_DELAY_MS = 1_000;

export interface Charging {
  chargeCard(card: CardListItem, amount: string, done: () => void): Promise<void>;
  /** Back from the bank's 3-D Secure page (`/?charge=…`): follow that charge to its end. */
  resume(): Promise<void>;
  refreshCharges(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The page's charging: charge a saved card, follow the charge until it settles, send the customer to
 * the bank when it asks for 3-D Secure, refund. Every click makes one idempotency key, and the
 * request is resent with that same key when the answer did not arrive, so neither a double click nor
 * a flaky connection can charge twice.
 */
export function charging(config: ClientConfig): Charging {
  const refreshCharges = async (): Promise<void> => {
    const { charges } = await api.charges();
    renderCharges(charges, {
      onRefund: (charge, amount, done) => void refund(charge, amount, done),
      onConfirm: (charge) => confirm(charge),
    });
  };

  /** Asks again while the answer is one that may pass (no connection, 5xx); same key, so at most once. */
  async function resending<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const passing = error instanceof ApiError && error.retryable && error.status !== 429;
        if (!passing || attempt >= RESENDS) throw error;
        await sleep(RESEND_DELAY_MS);
      }
    }
  }

  /** Polls a `processing` charge, with the progress bar up, until the bank's answer is in. */
  async function follow(charge: ChargeView): Promise<ChargeView> {
    if (charge.status !== 'processing') return charge;
    chargePanel.waiting(true);
    chargePanel.say(`Waiting for the bank's answer on ${moneyText(charge.amount)}…`);
    const deadline = Date.now() + FOLLOW_LIMIT_MS;
    let current = charge;
    try {
      while (current.status === 'processing' && Date.now() < deadline) {
        await sleep(config.pollIntervalMs);
        try {
          current = (await api.chargeById(charge.id)).charge;
        } catch (error) {
          // A poll that failed in passing changes nothing: the next one asks again.
          if (!(error instanceof ApiError && error.retryable)) throw error;
        }
      }
      return current;
    } finally {
      chargePanel.waiting(false);
    }
  }

  /** The bank's 3-D Secure page, reached the way it wants (a form post with PaReq, MD, TermUrl). */
  function confirm(charge: ChargeView): void {
    const action = charge.nextAction;
    if (action?.type !== 'redirect') {
      chargePanel.say('This payment needs a step this page cannot take.', 'failure');
      return;
    }
    assertSecureUrl(action.url, { allowLoopbackHttp: config.allowLoopbackHttp });
    chargePanel.say('Your bank wants to confirm the payment; taking you to its page…');
    if (action.method === 'GET' && !action.fields) location.assign(action.url);
    else postForm({ action: action.url, method: 'POST', fields: action.fields ?? {} });
  }

  /** Tells the customer how the charge ended (following it while it is processing), then relists. */
  async function settle(charge: ChargeView, options: { confirm: boolean }): Promise<void> {
    if (charge.status === 'requires_action' && options.confirm) return confirm(charge);
    const settled = await follow(charge);
    if (settled.status === 'requires_action' && options.confirm) return confirm(settled);
    // The list first, then the verdict: once the status line has it, the list shows it too.
    await refreshCharges();
    chargePanel.say(chargeOutcomeText(settled), outcomeKind(settled));
  }

  async function chargeCard(card: CardListItem, amount: string, done: () => void): Promise<void> {
    const key = newIdempotencyKey();
    chargePanel.say(`Charging ${moneyText({ major: amount, currency: 'RUB' })} to ${card.maskedPan}…`);
    try {
      const { charge } = await resending(() => api.charge(card.id, amount, key));
      await settle(charge, { confirm: true });
    } catch (error) {
      await refreshCharges().catch(() => undefined);
      chargePanel.say(messageOf(error), 'failure');
    } finally {
      done();
    }
  }

  async function refund(charge: ChargeView, amount: string | undefined, done: () => void): Promise<void> {
    const key = newIdempotencyKey();
    chargePanel.say('Refunding…');
    try {
      const { refund: result } = await resending(() => api.refund(charge.id, amount, key));
      await refreshCharges();
      chargePanel.say(refundText(result), refundKind(result));
    } catch (error) {
      await refreshCharges().catch(() => undefined);
      chargePanel.say(messageOf(error), 'failure');
    } finally {
      done();
    }
  }

  async function resume(): Promise<void> {
    const params = new URLSearchParams(location.search);
    const chargeId = params.get('charge');
    if (chargeId === null) return;
    history.replaceState(null, '', location.pathname);
    chargePanel.say('Checking the payment…');
    try {
      // Back from the bank: a charge still waiting is not sent there again by itself; its Confirm
      // button in the list is the way back.
      await settle((await api.chargeById(chargeId)).charge, { confirm: false });
    } catch (error) {
      chargePanel.say(messageOf(error), 'failure');
    }
  }

  return { chargeCard, resume, refreshCharges };
}

function outcomeKind(charge: ChargeView): 'info' | 'success' | 'failure' {
  if (charge.status === 'succeeded') return 'success';
  if (charge.status === 'failed') return 'failure';
  return 'info';
}

function refundKind(refund: RefundView): 'info' | 'success' | 'failure' {
  if (refund.status === 'succeeded') return 'success';
  if (refund.status === 'failed') return 'failure';
  return 'info';
}

function refundText(refund: RefundView): string {
  const amount = moneyText(refund.amount);
  switch (refund.status) {
    case 'succeeded':
      return `Refunded ${amount}.`;
    case 'processing':
      return `The refund of ${amount} is being processed.`;
    case 'failed':
      return `The refund of ${amount} failed: ${refund.failure?.message ?? 'the provider refused it'}.`;
  }
}
