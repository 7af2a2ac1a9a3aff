import { abandonCase } from './cases/abandon-case.js';
import { declineCase } from './cases/decline-case.js';
import { forgedCallbackCase } from './cases/forged-callback-case.js';
import { faultsCase } from './cases/faults-case.js';
import { idempotencyCase } from './cases/idempotency-case.js';
import { initCase } from './cases/init-case.js';
import { secretsCase } from './cases/secrets-case.js';
import { successCase } from './cases/success-case.js';
import { transcriptCase } from './cases/transcript-case.js';
import type { ConformanceBackend, ConformanceCase, ConformanceOptions } from './options.js';

export type ConformanceCaseRunner = <B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
) => Promise<void>;

/**
 * Each case as a plain async function: resolves when the provider conforms, rejects with a
 * ConformanceViolation (message `[case] what went wrong`) when it does not. Use them to run one case
 * on its own, e.g. to prove that a deliberately broken provider is caught.
 */
export const conformanceCases: Readonly<Record<ConformanceCase, ConformanceCaseRunner>> = {
  init: initCase,
  success: successCase,
  decline: declineCase,
  abandon: abandonCase,
  idempotency: idempotencyCase,
  forgedCallback: forgedCallbackCase,
  faults: faultsCase,
  secrets: secretsCase,
  transcript: transcriptCase,
};

export const CONFORMANCE_CASE_TITLES: Readonly<Record<ConformanceCase, string>> = {
  init: 'init returns a valid next action with a secure URL',
  success: 'success saves exactly one card and shows no token',
  decline: 'a decline fails with a typed code',
  abandon: 'an abandoned binding expires at the deadline',
  idempotency: 'finalise/checkOrder are idempotent and safe under concurrency',
  forgedCallback: 'a tampered or unsigned callback is rejected and changes nothing; the genuine one works',
  faults: 'every transport fault is a retryable error and the binding stays readable',
  secrets: 'no secret appears in logs, errors, bindings or the HTTP transcript',
  transcript: 'every HTTP request the provider makes appears in its transcript',
};
