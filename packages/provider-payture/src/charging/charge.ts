import {
  CardBindingError,
  type ChargeCheckOutcome,
  type ChargeOutcome,
  type Logger,
  type ProviderChargeActionContext,
  type ProviderChargeContext,
  type ProviderChargeStateContext,
  type ProviderRef,
} from '@cardbind/core';
import { z } from 'zod';
import { toKopecks } from './charge-amount.js';
import { type CustomerCredentials, customerCredentials } from '../commands/customer-credentials.js';
import type { PaytureClient } from '../commands/payture-client.js';
import { isSecureUrl, type PaytureConfig } from '../config.js';
import { isErrCode } from '../errors/codes.js';
import { chargeDecline } from '../errors/retry-advice.js';
import { isThisChargesThreeDSKey, parseChargeRef, type PaytureChargeRef, threeDSKeyDigest } from '../ref.js';
import type { PaymentAnswer } from '../wire/answer.js';
import { chargeOutcomeOfState } from './charge-state.js';

export interface ChargeDependencies {
  config: PaytureConfig;
  /** Charges only when a Pay terminal is configured (`client.hasPayTerminal`). */
  client: PaytureClient;
  logger: Logger;
}

function notSupported(): CardBindingError {
  return new CardBindingError('NOT_SUPPORTED', 'Payture charges need payTerminal (the Pay terminal VWID)', {
    field: 'payTerminal',
    retryable: false,
  });
}

function failedBeforeAnyRequest(error: CardBindingError): ChargeOutcome {
  return { status: 'failed', error };
}

/**
 * One debit: `vwapi/Pay` with the bound card. Everything that can be refused is refused before the
 * request (no Pay terminal, not RUB, zero, an insecure returnUrl, a customer id Payture cannot take),
 * so a `failed` then is sure. After the request only `Success="False"` fails the charge; a timeout, a
 * 5xx or an unreadable answer throws PROVIDER_UNAVAILABLE and the charge is settled by GetState on the
 * same order id. DUPLICATE_ORDER_ID is Payture's guard against a second debit for one order
 * (charging.md): it means this order was sent before, so the answer is GetState's, not a decline.
 */
export async function chargeCard(
  deps: ChargeDependencies,
  ctx: ProviderChargeContext,
): Promise<ChargeOutcome> {
  const { client, config } = deps;
  if (!client.hasPayTerminal) return failedBeforeAnyRequest(notSupported());
  const amount = toKopecks(ctx.amount);
  if ('error' in amount) return failedBeforeAnyRequest(amount.error);
  if (ctx.returnUrl !== undefined && !isSecureUrl(ctx.returnUrl, config.allowLoopbackHttp)) {
    return failedBeforeAnyRequest(
      new CardBindingError('INSECURE_URL', 'The return URL must use https', {
        field: 'returnUrl',
        retryable: false,
      }),
    );
  }
  const credentials = credentialsOf(config, ctx.customerId);
  if (credentials instanceof CardBindingError) return failedBeforeAnyRequest(credentials);

  const answer = await client.pay({
    credentials,
    cardId: ctx.card.token,
    orderId: ctx.orderId,
    kopecks: amount.kopecks,
  });
  if (answer.kind === 'failure' && isOrderAlreadySent(answer.errCode)) {
    deps.logger.info(
      { provider: 'payture', event: 'payture.charge_order_already_sent', chargeId: ctx.chargeId },
      'Payture knows this order already: its state decides',
    );
    return resolvedByState(client, ctx.orderId, {}, ctx.now);
  }
  return outcomeOfPayment(deps, answer, ctx, 'Pay');
}

/** The customer's Payture login and password, or why this customer id cannot have any. */
function credentialsOf(config: PaytureConfig, customerId: string): CustomerCredentials | CardBindingError {
  try {
    return customerCredentials(config.customerCredentials, customerId);
  } catch (error) {
    if (error instanceof CardBindingError) return error;
    throw error;
  }
}

/** Codes that say the order id was already sent (DUPLICATE_PROCESSING_ORDER_ID: while still in flight). */
function isOrderAlreadySent(errCode: string): boolean {
  return isErrCode(errCode, 'DUPLICATE_ORDER_ID') || isErrCode(errCode, 'DUPLICATE_PROCESSING_ORDER_ID');
}

/**
 * PaySubmit3DS codes that say the order is no longer waiting for 3-D Secure: an earlier submit (whose
 * answer may have been lost) finished it, so GetState tells what became of it.
 */
function isNotAwaitingThreeDS(errCode: string): boolean {
  return (
    isOrderAlreadySent(errCode) ||
    isErrCode(errCode, 'ILLEGAL_ORDER_STATE') ||
    isErrCode(errCode, 'ORDER_NOT_FOUND')
  );
}

/** ChargeOutcome has no `not_found`: an order Payture refused as known but cannot find is unknown. */
async function resolvedByState(
  client: PaytureClient,
  orderId: string,
  ref: PaytureChargeRef,
  now: Date,
): Promise<ChargeOutcome> {
  const outcome = chargeOutcomeOfState(await client.getState(orderId), ref, now);
  if (outcome.status === 'not_found') {
    throw new CardBindingError(
      'PROVIDER_UNAVAILABLE',
      'Payture refused the order as already sent, and GetState knows no such order',
    );
  }
  return outcome;
}

// Payture's attribute names differ between answers: `ACSUrl`/`ThreeDSKey` (charging.md) and
// `AcsUrl`/`MD` (droff `charge_success_3ds.yml`). Read case-insensitively, either key name.
const ThreeDSAnswer = z.object({
  acsurl: z.string().url(),
  pareq: z.string().min(1),
  threedskey: z.string().min(1).optional(),
  md: z.string().min(1).optional(),
});

function lowerCaseKeys(attributes: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name.toLowerCase(), value]));
}

function outcomeOfPayment(
  deps: ChargeDependencies,
  answer: PaymentAnswer,
  ctx: ProviderChargeContext,
  command: 'Pay' | 'PaySubmit3DS',
): ChargeOutcome {
  switch (answer.kind) {
    case 'success': {
      const paid = answer.attributes['Amount'];
      if (paid !== undefined && paid.trim() !== String(ctx.amount.minor)) {
        // Money moved either way; the mismatch is for a person to look at.
        deps.logger.warn(
          { provider: 'payture', event: 'payture.charge_amount_mismatch', chargeId: ctx.chargeId },
          `Payture answered ${command} with another Amount than was sent`,
        );
      }
      const merchantOrderId = answer.attributes['MerchantOrderId']?.trim();
      return merchantOrderId
        ? { status: 'succeeded', providerRef: { merchantOrderId } }
        : { status: 'succeeded' };
    }
    case 'failure': {
      const { error, advice } = chargeDecline(answer.errCode, command, ctx.now);
      return advice === undefined ? { status: 'failed', error } : { status: 'failed', error, advice };
    }
    case '3ds':
      if (command === 'PaySubmit3DS') {
        throw new CardBindingError(
          'PROVIDER_UNAVAILABLE',
          'Payture asked for 3-D Secure again after PaySubmit3DS',
        );
      }
      return threeDSecureAction(deps, answer.attributes, ctx);
  }
}

/**
 * `Success="3DS"`: the customer must go to the bank's ACS with PaReq and MD, and come back to the
 * host's TermUrl (the charge's returnUrl), whose post completes the payment (charging.md, "3-D Secure
 * on Pay"). Without a returnUrl no one can finish the step — the PaReq and MD are dropped here and
 * Payture debits only after PaySubmit3DS — so the charge fails, surely undebited: CARD_DECLINED with
 * the synthetic providerCode THREE_DS_REQUIRED and advice to retry with the customer present.
 */
function threeDSecureAction(
  deps: ChargeDependencies,
  attributes: Readonly<Record<string, string>>,
  ctx: ProviderChargeContext,
): ChargeOutcome {
  const parsed = ThreeDSAnswer.safeParse(lowerCaseKeys(attributes));
  const threeDSKey = parsed.success ? (parsed.data.threedskey ?? parsed.data.md) : undefined;
  if (!parsed.success || threeDSKey === undefined) {
    throw new CardBindingError(
      'PROVIDER_UNAVAILABLE',
      'Payture asked for 3-D Secure without ACSUrl, PaReq and ThreeDSKey',
    );
  }
  if (!isSecureUrl(parsed.data.acsurl, deps.config.allowLoopbackHttp)) {
    throw new CardBindingError('PROVIDER_UNAVAILABLE', 'Payture named an ACSUrl that is not https');
  }
  if (ctx.returnUrl === undefined) {
    return {
      status: 'failed',
      error: new CardBindingError(
        'CARD_DECLINED',
        '3-D Secure required but no returnUrl: charge again with the customer present and a returnUrl',
        { providerCode: 'THREE_DS_REQUIRED', retryable: true },
      ),
      advice: { retryable: true },
    };
  }
  const providerRef: ProviderRef = { threeDSKeyDigest: threeDSKeyDigest(threeDSKey) };
  return {
    status: 'requires_action',
    action: {
      type: 'redirect',
      method: 'POST',
      url: parsed.data.acsurl,
      fields: { PaReq: parsed.data.pareq, MD: threeDSKey, TermUrl: ctx.returnUrl },
    },
    providerRef,
  };
}

const TermUrlPost = z.object({ PaRes: z.string().min(1), MD: z.string().min(1) });

/**
 * The ACS posted PaRes and MD to the host's TermUrl. The MD must be the one Pay gave this charge
 * (else anyone could post another payment's answer here); then `vwapi/PaySubmit3DS`, whose answer is
 * read like Pay's. A refusal that says the order is not waiting any more is settled by GetState.
 */
export async function completeChargeAction(
  deps: ChargeDependencies,
  ctx: ProviderChargeActionContext,
): Promise<ChargeOutcome> {
  const { client } = deps;
  if (!client.hasPayTerminal) throw notSupported();
  const posted = TermUrlPost.safeParse(ctx.request.body);
  if (!posted.success) {
    throw new CardBindingError('CALLBACK_REJECTED', 'The 3-D Secure return carries no PaRes and MD');
  }
  const ref = parseChargeRef(ctx.providerRef);
  if (!isThisChargesThreeDSKey(ref, posted.data.MD)) {
    throw new CardBindingError(
      'CALLBACK_REJECTED',
      'The 3-D Secure return belongs to no step of this charge',
    );
  }
  const answer = await client.submit3DS({ md: posted.data.MD, paRes: posted.data.PaRes });
  if (answer.kind === 'failure' && isNotAwaitingThreeDS(answer.errCode)) {
    return resolvedByState(client, ctx.orderId, ref, ctx.now);
  }
  return outcomeOfPayment(deps, answer, ctx, 'PaySubmit3DS');
}

/** GetState about the charge's order: never debits, safe to repeat. */
export async function checkCharge(
  deps: ChargeDependencies,
  ctx: ProviderChargeStateContext,
): Promise<ChargeCheckOutcome> {
  if (!deps.client.hasPayTerminal) throw notSupported();
  return chargeOutcomeOfState(
    await deps.client.getState(ctx.orderId),
    parseChargeRef(ctx.providerRef),
    ctx.now,
  );
}
