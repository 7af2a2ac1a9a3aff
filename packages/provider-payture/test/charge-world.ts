import {
  CARD_BINDING_PROVIDER,
  type ChargeOutcome,
  type Money,
  type ProviderChargeActionContext,
  type ProviderChargeContext,
  type ProviderChargeStateContext,
  type ProviderRefundContext,
  type SavedCard,
} from '@cardbind/core';
import { PAYTURE_MAGIC_CARDS, type TermUrlPost } from '@cardbind/testing';
import { PaytureProvider } from '../src/index.js';
import { queryOf, sessionIdOf, startWorld, type World, type WorldOptions } from './world.js';

export const PAY_TERMINAL = 'MerchantPay-Test';
export const PAY_TERMINAL_PASSWORD = 'pay-terminal-password-Xq7r';
export const TERM_URL = 'https://shop.example.test/charges/3ds-return';
export const NOW = new Date(Date.UTC(2026, 5, 1, 12));

export interface ChargeWorld extends World {
  /** The provider the container built: its real HTTP client, logger and redaction. */
  provider: PaytureProvider;
}

/** The binding world with a Pay terminal on both sides, and the container's Payture provider. */
export async function startChargeWorld(options: WorldOptions = {}): Promise<ChargeWorld> {
  const world = await startWorld({
    ...options,
    emulator: { payTerminal: PAY_TERMINAL, payTerminalPassword: PAY_TERMINAL_PASSWORD, ...options.emulator },
    config: { payTerminal: PAY_TERMINAL, payTerminalPassword: PAY_TERMINAL_PASSWORD, ...options.config },
  });
  const provider = world.container
    .getAll(CARD_BINDING_PROVIDER)
    .find((candidate) => candidate.id === 'payture');
  if (!(provider instanceof PaytureProvider)) throw new Error('no Payture provider in the container');
  return Object.assign(world, { provider });
}

let customerCounter = 0;

/** A card bound through the real flow (start → hosted Add page → return → finalise), token included. */
export async function bindCard(
  world: World,
  number: string = PAYTURE_MAGIC_CARDS.success.number,
  customerId = `charge-customer-${++customerCounter}`,
): Promise<SavedCard> {
  const binding = await world.service.start({
    provider: 'payture',
    customer: { id: customerId, ip: '203.0.113.7' },
  });
  const page = await world.emulator.completeAddSession(sessionIdOf(binding.nextAction?.url), { number });
  const done = await world.service.finalise(binding.id, { query: queryOf(page.location) });
  if (done.status !== 'succeeded') throw new Error(`binding ended ${done.status}`);
  const card = (await world.store.listCards(customerId)).find((saved) => saved.bindingId === binding.id);
  if (!card) throw new Error('the bound card was not saved');
  return card;
}

let orderCounter = 0;

export function rub(minor: number): Money {
  return { minor, currency: 'RUB' };
}

/** A new charge of `card`, with a fresh order id. */
export function chargeContext(
  card: SavedCard,
  overrides: Partial<ProviderChargeContext> = {},
): ProviderChargeContext {
  const n = ++orderCounter;
  return {
    chargeId: `charge-${n}`,
    orderId: `order-${n}-${card.id}`,
    customerId: card.customerId,
    card,
    amount: rub(12_611),
    providerOptions: {},
    now: NOW,
    ...overrides,
  };
}

/** The same charge as the store would hand it back after `outcome` (its providerRef merged). */
export function stateContext(
  charge: ProviderChargeContext,
  outcome?: ChargeOutcome,
): ProviderChargeStateContext {
  const providerRef = outcome !== undefined && 'providerRef' in outcome ? (outcome.providerRef ?? {}) : {};
  return {
    ...charge,
    status: outcome?.status === 'requires_action' ? 'requires_action' : 'processing',
    providerRef,
    createdAt: charge.now,
  };
}

/** What the host's TermUrl page hands the provider after the bank's post. */
export function actionContext(
  charge: ProviderChargeStateContext,
  post: TermUrlPost,
): ProviderChargeActionContext {
  return {
    ...charge,
    request: { method: 'POST', path: '/charges/3ds-return', headers: {}, query: {}, body: post.fields },
  };
}

export function refundContext(
  charge: ProviderChargeContext,
  amount: number,
  refundedBefore = 0,
  refundId = `refund-${++orderCounter}`,
): ProviderRefundContext {
  return {
    refundId,
    charge: { ...stateContext(charge), status: 'succeeded' },
    amount: rub(amount),
    refundedBefore: rub(refundedBefore),
    now: NOW,
  };
}
