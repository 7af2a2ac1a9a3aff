import { CardBindingError, type RetryAdvice } from '@cardbind/core';
import { errorForCodes, type PayOnlineCodes } from './codes.js';

/**
 * What a refused Rebill means: the error the charge fails with and the advice for the next attempt on
 * the same card. Every rule below is PayOnline's API doc, rebill section, as charging.md ("What a
 * decline means for the next attempt") records it. Order already paid (4016) is not here: it is no
 * decline, and the charge answers from Search instead (charging/rebill.ts).
 */

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** Codes whose rule is "no new attempt on that card earlier than 4 calendar days" (charging.md). */
const FOUR_DAY_BLOCK = new Set(['5201', '5205', '5301', '5302', '5303', '5305', '5309', '5310']);
/**
 * 4 calendar days, counted as 4 × 24 h from the decline: any reading of "calendar day" in any time
 * zone starts that fourth day no later than this, so it is the strict one.
 */
const FOUR_DAYS_MS = 4 * DAY_MS;

/** 4021 incorrect RebillAnchor, 4022 rebill not allowed (charging.md, "Codes"): never on this card. */
const ANCHOR_UNUSABLE = new Set(['4021', '4022']);

/** The advice of each ErrorCode class (charging.md, "What a decline means for the next attempt"). */
function adviceOfClass(errorCode: string | undefined, now: Date): RetryAdvice | undefined {
  switch (errorCode) {
    // "1 technical — retry later": the doc names no delay, so none is imposed.
    case '1':
      return { retryable: true };
    // "2 refused by PayOnline's filters — retry after 24 h, limited": the limit is not quantified.
    case '2':
      return { retryable: true, notBefore: new Date(now.getTime() + DAY_MS) };
    // "3 issuer refused — at most 5 attempts a day for 3 days".
    case '3':
      return { retryable: true, maxAttemptsPerDay: 5, retryUntil: new Date(now.getTime() + 3 * DAY_MS) };
    // "4 issuer refused — do not retry".
    case '4':
      return { retryable: false };
    default:
      return undefined;
  }
}

function adviceOfCode(code: string | undefined, now: Date): RetryAdvice | undefined {
  if (code === undefined) return undefined;
  if (ANCHOR_UNUSABLE.has(code)) return { retryable: false };
  if (FOUR_DAY_BLOCK.has(code)) return { retryable: true, notBefore: new Date(now.getTime() + FOUR_DAYS_MS) };
  return undefined;
}

function later(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

function earlier(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

function smaller(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/**
 * Both rules apply when a decline carries both (Code 5205 with ErrorCode 3): the stricter of each part
 * wins. One exception: a class's window that closes before the code's block ends (3 days against 4)
 * would turn "wait 4 days" into "never", which the doc does not say, so the more specific code's block
 * stands and the window goes.
 */
function stricter(a: RetryAdvice | undefined, b: RetryAdvice | undefined): RetryAdvice | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const retryable = a.retryable && b.retryable;
  if (!retryable) return { retryable };
  const notBefore = later(a.notBefore, b.notBefore);
  const maxAttemptsPerDay = smaller(a.maxAttemptsPerDay, b.maxAttemptsPerDay);
  let retryUntil = earlier(a.retryUntil, b.retryUntil);
  if (retryUntil !== undefined && notBefore !== undefined && retryUntil.getTime() <= notBefore.getTime()) {
    retryUntil = undefined;
  }
  return {
    retryable,
    ...(notBefore === undefined ? {} : { notBefore }),
    ...(maxAttemptsPerDay === undefined ? {} : { maxAttemptsPerDay }),
    ...(retryUntil === undefined ? {} : { retryUntil }),
  };
}

/** The advice for a refused Rebill; undefined when neither its Code nor its ErrorCode has a rule. */
export function retryAdviceFor(codes: PayOnlineCodes, now: Date): RetryAdvice | undefined {
  return stricter(adviceOfClass(codes.errorCode, now), adviceOfCode(codes.code, now));
}

/** `errorCode/code` when both are given, for support: the class and the reason travel together. */
export function chargeProviderCode({ code, errorCode }: PayOnlineCodes): string | undefined {
  if (code !== undefined && errorCode !== undefined) return `${errorCode}/${code}`;
  return code ?? errorCode;
}

/**
 * The error a refused Rebill fails with: CARD_DECLINED for the issuer's and PayOnline's filters'
 * refusals, PROVIDER_REJECTED for what is the merchant's to fix (a bad key, an anchor PayOnline does
 * not know, rebills not enabled), PROVIDER_UNAVAILABLE for ErrorCode 1 (codes.ts holds the table the
 * binding flow uses too). `retryable` follows the advice.
 */
export function chargeDeclineError(codes: PayOnlineCodes, advice: RetryAdvice | undefined): CardBindingError {
  const base = errorForCodes(codes);
  const anchorUnusable = codes.code !== undefined && ANCHOR_UNUSABLE.has(codes.code);
  const message = anchorUnusable
    ? codes.code === '4022'
      ? `PayOnline does not allow rebills on this card or merchant account (Code ${codes.code})`
      : `PayOnline does not know this card's RebillAnchor (Code ${codes.code}): bind the card again`
    : base.message;
  const providerCode = chargeProviderCode(codes);
  return new CardBindingError(anchorUnusable ? 'PROVIDER_REJECTED' : base.code, message, {
    retryable: advice?.retryable ?? base.retryable,
    ...(providerCode === undefined ? {} : { providerCode }),
    ...(base.field === undefined ? {} : { field: base.field }),
  });
}
