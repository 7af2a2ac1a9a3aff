import {
  assertSecureUrl,
  CardBindingError,
  type CardInput,
  encodeFormBody,
  type FilledParam,
  fillFormParams,
  FormAction,
  toUrlSearchParams,
} from '@cardbind/core/client';
import { interpretAuthAnswer, readOperationAnswer } from '../wire/answer.js';
import { declineMessage, errorForCodes } from '../errors/codes.js';

/** The part of `fetch` the client uses; a whole `fetch` (browser, React Native, Node) fits. */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers?: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
  },
) => Promise<{ readonly status: number; text(): Promise<string> }>;

export interface SubmitCardFormOptions {
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Accept plain http to a loopback host (emulators, local development only). */
  allowLoopbackHttp?: boolean;
  signal?: AbortSignal;
  /** Give up waiting for PayOnline's answer after this long (default 60 s). */
  timeoutMs?: number;
  /** Judges the card's expiry; injectable for tests. */
  now?: () => Date;
}

/**
 * What the app may tell its backend after PayOnline accepted the card, as the `query` of
 * `CardBindingService.finalise`: the `transactionId`. The backend treats it as a hint to check the order
 * now, never as proof: the card is saved only from PayOnline's signed callback (or PayOnline's own 3-DS
 * answer to the backend). The RebillAnchor PayOnline answered the app is no part of it, so the token
 * never travels through the app's report.
 */
export type HostReport = Readonly<Record<string, string>>;

export type SubmitCardFormResult =
  /** PayOnline took the payment into processing. Not yet "saved": poll the backend. */
  | {
      readonly kind: 'accepted';
      readonly transactionId: string;
      readonly status: string | undefined;
      readonly rebillAnchor?: string;
      readonly hostReport: HostReport;
    }
  /** Refused. `message` is for the customer; `retryable` says whether the same card may work later. */
  | {
      readonly kind: 'declined';
      readonly transactionId?: string;
      readonly code?: string;
      readonly errorCode?: string;
      readonly message: string;
      readonly retryable: boolean;
    }
  /** The issuing bank wants 3-D Secure: post `buildAcsForm(result)` from the customer's browser. */
  | {
      readonly kind: '3ds';
      readonly transactionId: string;
      readonly acsUrl: string;
      readonly paReq: string;
      /** `{TransactionId};{PD}`, echoed by the bank to the term_url. */
      readonly md: string;
      readonly termUrl: string;
    }
  /** The backend asked for a redirect: open this URL for the customer. */
  | { readonly kind: 'redirect'; readonly url: string };

/** Substitutes that must never travel in a URL (the `Redirect` method puts params in the query). */
const CARD_SECRETS = new Set(['number', 'cvv', 'expires']);

/**
 * Sends the customer's card to PayOnline exactly as the backend's form action says, and reads the
 * answer. The URL must be https (LitRes's form-params spec makes the app check it). Transport failures
 * and unreadable answers throw CardBindingError('PROVIDER_UNAVAILABLE', retryable): the payment may or
 * may not have been made, so poll the backend (`waitForBinding`) before offering a second try.
 */
export async function submitCardForm(
  actionInput: FormAction,
  cardInput: CardInput,
  options: SubmitCardFormOptions = {},
): Promise<SubmitCardFormResult> {
  const parsed = FormAction.safeParse(actionInput);
  if (!parsed.success) {
    throw new CardBindingError('CONFIG_INVALID', 'The card form request from the backend is malformed');
  }
  const action = parsed.data;
  const secureOptions = { allowLoopbackHttp: options.allowLoopbackHttp === true };
  const url = assertSecureUrl(action.url, secureOptions);

  if (action.method === 'Redirect') {
    if (action.params.some((param) => param.substitute !== undefined && CARD_SECRETS.has(param.substitute))) {
      throw new CardBindingError('CONFIG_INVALID', 'A Redirect request cannot carry card data in its URL');
    }
    const filled = fillFormParams(action, cardInput, options.now ? { now: options.now } : {});
    const target = new URL(url.toString());
    for (const [name, value] of toUrlSearchParams(filled)) target.searchParams.append(name, value);
    return { kind: 'redirect', url: target.toString() };
  }

  const filled = fillFormParams(action, cardInput, options.now ? { now: options.now } : {});
  const body = await send(url, action.method, filled, options);
  const outcome = interpretAuthAnswer(readOperationAnswer(body, 'Auth answer'), 'Auth answer');
  switch (outcome.kind) {
    case 'accepted':
      return {
        kind: 'accepted',
        transactionId: outcome.transactionId,
        status: outcome.status,
        ...(outcome.rebillAnchor === undefined ? {} : { rebillAnchor: outcome.rebillAnchor }),
        hostReport: { transactionId: outcome.transactionId },
      };
    case '3ds': {
      if (action.termUrl === undefined) {
        throw new CardBindingError(
          'CONFIG_INVALID',
          'PayOnline asks for 3-D Secure but the request has no termUrl',
        );
      }
      // The app will send the customer's browser there: it must be https like the processor's URL.
      assertSecureUrl(outcome.acsUrl, secureOptions);
      return {
        kind: '3ds',
        transactionId: outcome.transactionId,
        acsUrl: outcome.acsUrl,
        paReq: outcome.paReq,
        md: `${outcome.transactionId};${outcome.pd}`,
        termUrl: action.termUrl,
      };
    }
    case 'declined': {
      const codes = { code: outcome.code, errorCode: outcome.errorCode };
      return {
        kind: 'declined',
        ...(outcome.transactionId === undefined ? {} : { transactionId: outcome.transactionId }),
        ...(outcome.code === undefined ? {} : { code: outcome.code }),
        ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
        message: declineMessage(codes),
        // The same mapping as the backend's, so a message that says "try again later" is retryable
        // and the recorded Code 1999 with ErrorCode 3 (an issuer decline) is not.
        retryable: errorForCodes(codes).retryable,
      };
    }
  }
}

const DEFAULT_TIMEOUT_MS = 60_000;

async function send(
  url: URL,
  method: 'POST' | 'GET',
  filled: readonly FilledParam[],
  options: SubmitCardFormOptions,
): Promise<string> {
  const fetchImpl = options.fetch ?? defaultFetch();
  // An abort that came before the send never fires its event: check it, or the card would still go out.
  if (options.signal?.aborted) throw new CardBindingError('ABORTED', 'The card submission was aborted');
  // One signal for the caller's abort and the timeout; it also stops a body that never finishes.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const forwardAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  const failure = (stage: string): CardBindingError => {
    if (options.signal?.aborted) return new CardBindingError('ABORTED', 'The card submission was aborted');
    if (timedOut) {
      return new CardBindingError('PROVIDER_UNAVAILABLE', 'PayOnline did not answer in time', {
        providerCode: 'TIMEOUT',
      });
    }
    // The fetch error may quote the request, so none of it is kept.
    return new CardBindingError('PROVIDER_UNAVAILABLE', `PayOnline could not be reached (${stage})`, {
      providerCode: 'NETWORK',
    });
  };
  try {
    let response: { readonly status: number; text(): Promise<string> };
    try {
      if (method === 'GET') {
        const target = new URL(url.toString());
        for (const [name, value] of toUrlSearchParams(filled)) target.searchParams.append(name, value);
        response = await fetchImpl(target.toString(), { method: 'GET', signal: controller.signal });
      } else {
        response = await fetchImpl(url.toString(), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: encodeFormBody(filled),
          signal: controller.signal,
        });
      }
    } catch {
      throw failure('request');
    }
    if (response.status >= 300) {
      throw new CardBindingError('PROVIDER_UNAVAILABLE', `PayOnline answered HTTP ${response.status}`, {
        providerCode: `HTTP_${response.status}`,
      });
    }
    try {
      return await response.text();
    } catch {
      throw failure('answer cut off');
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forwardAbort);
  }
}

function defaultFetch(): FetchLike {
  if (typeof globalThis.fetch !== 'function') {
    throw new CardBindingError('CONFIG_INVALID', 'No fetch is available: pass options.fetch');
  }
  // Called through a closure so `this` is the global object, as some fetch polyfills require.
  return (url, init) => globalThis.fetch(url, init);
}
