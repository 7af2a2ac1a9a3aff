import { abandonCase } from './cases/abandon-case.js';
import { chargeDeclineCase } from './cases/charge-decline-case.js';
import { chargeFaultsCase } from './cases/charge-faults-case.js';
import { chargeIdempotencyCase } from './cases/charge-idempotency-case.js';
import { chargeLostAnswerCase } from './cases/charge-lost-answer-case.js';
import { chargeNotFoundCase } from './cases/charge-not-found-case.js';
import { chargeSecretsCase } from './cases/charge-secrets-case.js';
import { chargeSuccessCase } from './cases/charge-success-case.js';
import { declineCase } from './cases/decline-case.js';
import { forgedCallbackCase } from './cases/forged-callback-case.js';
import { faultsCase } from './cases/faults-case.js';
import { idempotencyCase } from './cases/idempotency-case.js';
import { initCase } from './cases/init-case.js';
import { refundsCase } from './cases/refunds-case.js';
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
 * on its own, e.g. to prove that a deliberately broken provider is caught. A charging case whose
 * capability the options do not declare rejects with a TypeError naming the missing option.
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
  chargeSuccess: chargeSuccessCase,
  chargeDecline: chargeDeclineCase,
  chargeIdempotency: chargeIdempotencyCase,
  chargeFaults: chargeFaultsCase,
  chargeLostAnswer: chargeLostAnswerCase,
  chargeNotFound: chargeNotFoundCase,
  refunds: refundsCase,
  chargeSecrets: chargeSecretsCase,
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
  chargeSuccess: "charging a bound card succeeds with one debit under the charge's order id",
  chargeDecline: "a declined charge fails with a typed code and the gateway's own, and moves no money",
  chargeIdempotency: 'one key debits once, even concurrently; concurrent charges each debit once',
  chargeFaults: 'every transport fault on a charge leaves it processing, never failed, and debits nothing',
  chargeLostAnswer: 'a charge whose answer was lost settles by a check of its order, never a second debit',
  chargeNotFound: 'checkCharge of an order never sent answers not_found and debits nothing',
  refunds: 'a partial and a full refund succeed; an over-refund is refused, never succeeded',
  chargeSecrets: 'no card token or secret appears in the charge flow',
};
