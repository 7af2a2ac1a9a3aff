import { describe, expect, it, vi } from 'vitest';
import { ConformanceViolation, conformanceCases, describeProviderConformance } from '../src/index.js';
import { miniPayConformance } from './conformance/mini-pay-conformance.js';

// The control: a correct provider passes every case, so what fails below fails for its planted defect.
describeProviderConformance(miniPayConformance());

// A provider that cannot support a case skips it with a reason: registered as it.skip and printed.
const printed = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
describeProviderConformance({
  ...miniPayConformance(),
  name: 'MiniPay, init only',
  skip: {
    success: 'shown above',
    decline: 'shown above',
    abandon: 'shown above',
    idempotency: 'shown above',
    forgedCallback: 'shown above',
    faults: 'shown above',
    secrets: 'shown above',
    transcript: 'shown above',
  },
});
const skipLines = printed.mock.calls.map((call) => String(call[0]));
printed.mockRestore();

describe('skipping a case', () => {
  it('prints every skip with its reason', () => {
    expect(skipLines).toEqual([
      '[conformance] MiniPay, init only: "success" skipped: shown above',
      '[conformance] MiniPay, init only: "decline" skipped: shown above',
      '[conformance] MiniPay, init only: "abandon" skipped: shown above',
      '[conformance] MiniPay, init only: "idempotency" skipped: shown above',
      '[conformance] MiniPay, init only: "forgedCallback" skipped: shown above',
      '[conformance] MiniPay, init only: "faults" skipped: shown above',
      '[conformance] MiniPay, init only: "secrets" skipped: shown above',
      '[conformance] MiniPay, init only: "transcript" skipped: shown above',
    ]);
  });

  it('refuses a skip without a reason', () => {
    expect(() => describeProviderConformance({ ...miniPayConformance(), skip: { faults: ' ' } })).toThrow(
      'skip.faults needs a reason',
    );
  });
});

async function violation(run: Promise<void>): Promise<string> {
  const failure = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ConformanceViolation);
  return String(failure);
}

describe('the conformance suite bites', () => {
  it('catches a provider that logs the card number: the secrets case names the log line', async () => {
    const options = miniPayConformance('logsCardNumber');
    await expect(conformanceCases.success(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.secrets(options))).toMatch(
      /^ConformanceViolation: \[secrets\] .*TEST_CARDS\.success\.number appeared with separators in log line #\d+ \(info\): …MiniPay saved card ‹secret›/s,
    );
  });

  it('catches a provider that shows the full number as the masked one: in the binding and in listCards', async () => {
    const message = await violation(conformanceCases.secrets(miniPayConformance('unmaskedDisplay')));
    expect(message).toMatch(/TEST_CARDS\.success\.number appeared as is in record "binding after finalise"/);
    expect(message).toMatch(/TEST_CARDS\.success\.number appeared as is in record "listCards\(\)"/);
    expect(await violation(conformanceCases.success(miniPayConformance('unmaskedDisplay')))).toMatch(
      /\[success\] card\.display\.maskedPan shows more than first 6 and last 4 digits/,
    );
  });

  it('catches a provider that hands out an http URL: the init case', async () => {
    const options = miniPayConformance('httpPageUrl');
    await expect(conformanceCases.success(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.init(options))).toMatch(
      /^ConformanceViolation: \[init\] nextAction\.url \(redirect\) http:\/\/pay\.minipay\.example\/… is refused: CardBindingError INSECURE_URL/,
    );
  });

  it('catches a provider that turns a 5xx into a decline: the faults case', async () => {
    const options = miniPayConformance('declinesOn5xx');
    await expect(conformanceCases.success(options)).resolves.toBeUndefined();
    await expect(conformanceCases.decline(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.faults(options))).toMatch(
      /^ConformanceViolation: \[faults\] finalise under HTTP 500 returned a result \(failed\) instead of a retryable CardBindingError$/,
    );
  });

  it('catches a provider that saves two cards under a race: the idempotency case', async () => {
    const options = miniPayConformance('nonIdempotentSave');
    await expect(conformanceCases.success(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.idempotency(options))).toMatch(
      /^ConformanceViolation: \[idempotency\] \d+ concurrent finalise calls for one binding returned \d+ different card tokens/,
    );
  });

  it('catches a provider that accepts any webhook signature: the forged-callback case', async () => {
    const options = miniPayConformance('acceptsAnySignature');
    await expect(conformanceCases.success(options)).resolves.toBeUndefined();
    await expect(conformanceCases.idempotency(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.forgedCallback(options))).toMatch(
      /^ConformanceViolation: \[forgedCallback\] a copy of callback #1 \(POST \/minipay\/webhook\) with body field "event_id" changed was not rejected: answered 200 with no error, and the binding went from requires_action, version 0, 1 audit rows, 0 card\(s\) to succeeded, version 1, 2 audit rows, 1 card\(s\)\. Verify every callback/,
    );
  });

  it('catches a provider that makes a request outside its transcripted HTTP client: the transcript case', async () => {
    const options = miniPayConformance('untranscriptedRequest');
    await expect(conformanceCases.success(options)).resolves.toBeUndefined();
    await expect(conformanceCases.secrets(options)).resolves.toBeUndefined();
    expect(await violation(conformanceCases.transcript(options))).toMatch(
      /^ConformanceViolation: \[transcript\] the callbacks \(succeed\): the provider sent 3 HTTP request\(s\) to its backend but its transcript has 2 entries; not in the transcript: GET \/api\/sessions\/ses_\d+\. Send every request through the HttpClient/,
    );
  });

  it('copies a provider declares unsigned are delivered after the genuine callback, where they change nothing', async () => {
    // The path PayOnline and ToyPay take: declared copies would be accepted before the genuine one.
    const options = {
      ...miniPayConformance(),
      forgedCallback: { unsignedHeaders: ['x-minipay-signature'], unsignedAddedFields: true },
    };
    await expect(conformanceCases.forgedCallback(options)).resolves.toBeUndefined();
  });

  it('catches a provider that never gives up on a hung backend: the faults case, within its guard', async () => {
    const options = { ...miniPayConformance('ignoresTimeouts'), guardMs: 2_000 };
    expect(await violation(conformanceCases.faults(options))).toMatch(
      /^ConformanceViolation: \[faults\] start under a timeout \(the backend never answers\) did not give up within 2000 ms/,
    );
  });
});
