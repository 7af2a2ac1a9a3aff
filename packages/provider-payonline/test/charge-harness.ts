import { createHash } from 'node:crypto';
import type {
  CardBindingProvider,
  ChargeCheckOutcome,
  ChargeOutcome,
  Money,
  ProviderChargeContext,
  ProviderChargeStateContext,
  ProviderRefundContext,
  RefundOutcome,
  SavedCard,
} from '@cardbind/core';
import type { TestCard } from '@cardbind/testing';
import { CUSTOMER, type PayOnlineHarness } from './harness.js';

/** The whole binding flow for one card: the app posts it, PayOnline calls back, the card is saved. */
export async function bindCard(h: PayOnlineHarness, card: TestCard): Promise<SavedCard> {
  const binding = await h.service.start({ provider: 'payonline', customer: CUSTOMER });
  const submitted = await h.submit(binding.nextAction, card);
  if (submitted.kind !== 'accepted') throw new Error(`the card did not bind: ${submitted.kind}`);
  await h.emulator.callbacksSettled();
  await h.service.settled();
  const saved = (await h.store.listCards(CUSTOMER.id)).find(
    (candidate) => candidate.bindingId === binding.id,
  );
  if (!saved) throw new Error('no card was saved');
  return saved;
}

/** The charging operations every test here calls, checked present (PayOnline implements them all). */
export interface Charging {
  charge(ctx: ProviderChargeContext): Promise<ChargeOutcome>;
  checkCharge(ctx: ProviderChargeStateContext): Promise<ChargeCheckOutcome>;
  refund(ctx: ProviderRefundContext): Promise<RefundOutcome>;
}

export function charging(provider: CardBindingProvider): Charging {
  const { charge, checkCharge, refund } = provider;
  if (!charge || !checkCharge || !refund) throw new Error('the PayOnline provider does not charge');
  return {
    charge: (ctx) => charge.call(provider, ctx),
    checkCharge: (ctx) => checkCharge.call(provider, ctx),
    refund: (ctx) => refund.call(provider, ctx),
  };
}

let orders = 0;

/** A charge as core would hand it over: its order id fixed before the call. */
export function chargeContext(
  h: PayOnlineHarness,
  card: SavedCard,
  overrides: Partial<ProviderChargeContext> = {},
): ProviderChargeContext {
  orders++;
  return {
    chargeId: `ch_test_${orders}`,
    orderId: `ch_test_${orders}`,
    customerId: CUSTOMER.id,
    card,
    amount: { minor: 150_099, currency: 'RUB' },
    providerOptions: {},
    now: h.clock.now(),
    ...overrides,
  };
}

/** The same charge later, as the reconciler or a refund sees it. */
export function stateContext(
  ctx: ProviderChargeContext,
  providerRef: ProviderChargeStateContext['providerRef'] = {},
  overrides: Partial<ProviderChargeStateContext> = {},
): ProviderChargeStateContext {
  return { ...ctx, status: 'processing', providerRef, createdAt: ctx.now, ...overrides };
}

let refunds = 0;

export function refundContext(
  charge: ProviderChargeStateContext,
  amount: Money,
  options: { refundedBefore?: number; now?: Date } = {},
): ProviderRefundContext {
  refunds++;
  return {
    refundId: `re_test_${refunds}`,
    charge,
    amount,
    refundedBefore: { minor: options.refundedBefore ?? 0, currency: amount.currency },
    now: options.now ?? charge.now,
  };
}

/** The charge's ref after a successful outcome (what core would have stored). */
export function refOf(
  outcome: ChargeOutcome | ChargeCheckOutcome,
): ProviderChargeStateContext['providerRef'] {
  if (outcome.status !== 'succeeded' || !outcome.providerRef)
    throw new Error(`not succeeded: ${outcome.status}`);
  return outcome.providerRef;
}

/** PayOnline's SecurityKey computed here from the documented string, independently of the provider. */
export function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

export const HOUR_MS = 60 * 60_000;
export const DAY_MS = 24 * HOUR_MS;
