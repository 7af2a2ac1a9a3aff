import { CardBindingError, redactText } from '@cardbind/core';
import { describe, expect, it, vi } from 'vitest';
import {
  describeBindingStoreContract,
  StoreContractViolation,
  storeContractCases,
  WORK_QUEUE_CASES,
  type StoreFactory,
} from '../src/index.js';
import { breakable, DRIVER_MESSAGE } from './store-contract/breakable-store.js';
import { DefectiveStore, type StoreDefect } from './store-contract/defective-store.js';
import { withoutWorkQueue } from './store-contract/without-work-queue.js';

function storeWith(defect?: StoreDefect, options: Parameters<typeof breakable>[1] = {}): StoreFactory {
  return async () => {
    const { store, breakStore } = breakable(new DefectiveStore(defect), options);
    return { store, breakStore, close: async () => undefined, secrets: ['hunter2'] };
  };
}

// The control: the same store without a planted defect keeps every rule, so what fails below fails
// for its defect alone.
describeBindingStoreContract('DefectiveStore without a defect', storeWith());

const printed = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
describeBindingStoreContract('DefectiveStore, cards only', storeWith(), {
  skip: { storeUnavailable: 'shown above', race: 'shown above' },
});
const skipLines = printed.mock.calls.map((call) => String(call[0]));
printed.mockRestore();

// A plain-JavaScript store written before background work was durable: it has no work queue.
const withoutQueue: StoreFactory = async () => {
  const sut = await storeWith()();
  return { ...sut, store: withoutWorkQueue(sut.store) };
};
const NO_QUEUE = 'no work queue: a store written before background work was durable';
const printedForNoQueue = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
// cardBindingModule refuses such a store outright (CONFIG_INVALID), so no service can run on it.
const NO_SERVICE = 'cardBindingModule refuses a store without a work queue';
describeBindingStoreContract('DefectiveStore without its work queue', withoutQueue, {
  skip: {
    ...Object.fromEntries(WORK_QUEUE_CASES.map((workCase) => [workCase, NO_QUEUE])),
    storeUnavailable: NO_SERVICE,
  },
});
const noQueueSkipLines = printedForNoQueue.mock.calls.map((call) => String(call[0]));
printedForNoQueue.mockRestore();

describe('skipping a store contract case', () => {
  it('prints every skip with its reason', () => {
    expect(skipLines).toEqual([
      '[store contract] DefectiveStore, cards only: "race" skipped: shown above',
      '[store contract] DefectiveStore, cards only: "storeUnavailable" skipped: shown above',
    ]);
  });

  it('a store without a work queue skips the work cases, each printed with its reason', () => {
    expect(noQueueSkipLines).toEqual(
      expect.arrayContaining([
        ...WORK_QUEUE_CASES.map(
          (workCase) =>
            `[store contract] DefectiveStore without its work queue: "${workCase}" skipped: ${NO_QUEUE}`,
        ),
        `[store contract] DefectiveStore without its work queue: "storeUnavailable" skipped: ${NO_SERVICE}`,
      ]),
    );
    expect(noQueueSkipLines).toHaveLength(WORK_QUEUE_CASES.length + 1);
  });

  it('refuses a skip without a reason', () => {
    expect(() => describeBindingStoreContract('x', storeWith(), { skip: { dates: ' ' } })).toThrow(
      'skip.dates needs a reason',
    );
  });
});

async function violation(run: Promise<void>): Promise<string> {
  const failure = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(StoreContractViolation);
  return String(failure);
}

describe('the store contract suite bites', () => {
  it('catches a store that ignores the expected version: compareAndSet and race', async () => {
    const factory = storeWith('ignoresVersion');
    await expect(storeContractCases.create(factory)).resolves.toBeUndefined();
    expect(await violation(storeContractCases.compareAndSet(factory))).toMatch(
      /^StoreContractViolation: \[compareAndSet\] update with expected version 3 won although the stored version is 4$/,
    );
    expect(await violation(storeContractCases.race(factory))).toMatch(
      /^StoreContractViolation: \[race\] 50 racing updates on version 0 gave 50 winners, not 1$/,
    );
  });

  it('catches a read-then-write update that passes every sequential check: only the race', async () => {
    const factory = storeWith('readThenWrite');
    await expect(storeContractCases.compareAndSet(factory)).resolves.toBeUndefined();
    await expect(storeContractCases.audit(factory)).resolves.toBeUndefined();
    expect(await violation(storeContractCases.race(factory))).toMatch(
      /^StoreContractViolation: \[race\] 50 racing updates on version 0 gave 50 winners, not 1$/,
    );
    expect(await violation(storeContractCases.cards(factory))).toMatch(
      /\[cards\] two racing completions with different cards gave 2 winners$/,
    );
  });

  it('catches a store that hands out and keeps live references: the copies case', async () => {
    const factory = storeWith('liveReferences');
    await expect(storeContractCases.compareAndSet(factory)).resolves.toBeUndefined();
    expect(await violation(storeContractCases.copies(factory))).toMatch(
      /^StoreContractViolation: \[copies\] get after the caller changed the record it created\.\w+/,
    );
  });

  it('catches a store that keeps whole seconds: the dates case names the field', async () => {
    const factory = storeWith('truncatesDates');
    await expect(storeContractCases.lookupKeys(factory)).rejects.toThrow(StoreContractViolation);
    expect(await violation(storeContractCases.dates(factory))).toMatch(
      /^StoreContractViolation: \[dates\] create\(record\)\.record\.createdAt is 2026-12-01T10:11:13\.000Z, stored as 2026-12-01T10:11:13\.457Z$/,
    );
  });

  it('catches a store that saves a card twice: cardUniqueness', async () => {
    const factory = storeWith('duplicateCards');
    await expect(storeContractCases.cards(factory)).resolves.toBeUndefined();
    expect(await violation(storeContractCases.cardUniqueness(factory))).toMatch(
      /^StoreContractViolation: \[cardUniqueness\] the card returned to a second binding of the same card\.bindingId is "bnd_\w+", expected "bnd_\w+"$/,
    );
  });

  it('catches a store that saves the card outside the compare-and-set: compareAndSet and cards', async () => {
    const factory = storeWith('cardBeforeCompare');
    expect(await violation(storeContractCases.compareAndSet(factory))).toMatch(
      /^StoreContractViolation: \[compareAndSet\] a lost update saved its card \(1 cards\)$/,
    );
    expect(await violation(storeContractCases.cards(factory))).toMatch(
      /\[cards\] listCards after two racing completions with different cards/,
    );
  });

  it('catches a store that writes an audit row for a lost race: audit and race', async () => {
    const factory = storeWith('auditOnLostRace');
    await expect(storeContractCases.compareAndSet(factory)).resolves.toBeUndefined();
    expect(await violation(storeContractCases.audit(factory))).toMatch(
      /^StoreContractViolation: \[audit\] listAudit after a lost compare-and-set/,
    );
    expect(await violation(storeContractCases.race(factory))).toMatch(
      /\[race\] the audit versions after the race/,
    );
  });

  it('catches a store that ignores the idempotency key: the idempotency case', async () => {
    expect(await violation(storeContractCases.idempotency(storeWith('ignoresIdempotencyKey')))).toMatch(
      /^StoreContractViolation: \[idempotency\] a second create with the same \(customer, idempotencyKey\) returned created: true/,
    );
  });

  it('catches a lookup that ignores the provider: the lookupKeys case', async () => {
    expect(await violation(storeContractCases.lookupKeys(storeWith('lookupIgnoresProvider')))).toMatch(
      /^StoreContractViolation: \[lookupKeys\] findByLookupKey found contractpay's binding under another provider$/,
    );
  });

  it('catches a store whose outage is not an outage, or that reports one in its own words', async () => {
    const noBreak: StoreFactory = async () => ({ ...(await storeWith()()), breakStore: undefined });
    expect(await violation(storeContractCases.storeUnavailable(noBreak))).toMatch(
      /^StoreContractViolation: \[storeUnavailable\] the store under test has no breakStore\(\)/,
    );
    const breaksNothing: StoreFactory = async () => ({
      ...(await storeWith()()),
      breakStore: async () => undefined,
    });
    expect(await violation(storeContractCases.storeUnavailable(breaksNothing))).toMatch(
      /\[storeUnavailable\] after breakStore\(\) the store still answered get\(\)/,
    );
    // A store that wraps its driver's errors itself passes them straight through core's guard.
    const quotesDriver = storeWith(undefined, {
      failure: (driverMessage) =>
        new CardBindingError('STORE_UNAVAILABLE', `database failed: ${driverMessage}`, {
          cause: new Error(driverMessage),
        }),
    });
    expect(await violation(storeContractCases.storeUnavailable(quotesDriver))).toContain(
      `[storeUnavailable] service.get's error shows the driver's message "${DRIVER_MESSAGE}"`,
    );
    // Wrapping is fine when the words are the store's own and the driver's stay, redacted, in the cause.
    const wrapsCleanly = storeWith(undefined, {
      failure: (driverMessage) =>
        new CardBindingError('STORE_UNAVAILABLE', 'The database is unreachable', {
          cause: new Error(redactText(driverMessage)),
        }),
    });
    await expect(storeContractCases.storeUnavailable(wrapsCleanly)).resolves.toBeUndefined();
    const causeShowsSecret = storeWith(undefined, {
      failure: (driverMessage) =>
        new CardBindingError('STORE_UNAVAILABLE', 'The database is unreachable', {
          cause: new Error(driverMessage),
        }),
    });
    expect(await violation(storeContractCases.storeUnavailable(causeShowsSecret))).toBe(
      "StoreContractViolation: [storeUnavailable] service.get's error or its cause shows secrets[0]",
    );
    const wrongCode = storeWith(undefined, {
      failure: () => new CardBindingError('INVALID_STATE', 'the store is closed'),
    });
    expect(await violation(storeContractCases.storeUnavailable(wrongCode))).toMatch(
      /\[storeUnavailable\] service\.get on a broken store threw INVALID_STATE \(retryable: false\), not a retryable STORE_UNAVAILABLE$/,
    );
  });
});

describe('the work queue cases bite', () => {
  it('fails every work case, naming what is missing, for a store without a work queue', async () => {
    await expect(storeContractCases.audit(withoutQueue)).resolves.toBeUndefined();
    for (const workCase of WORK_QUEUE_CASES) {
      expect(await violation(storeContractCases[workCase](withoutQueue))).toBe(
        `StoreContractViolation: [${workCase}] the store under test has no work queue (claimWork, completeWork, retryWork, failWork, listWork, listExpiredBindings missing): implement WorkQueue from @cardbind/core (work items written in the same atomic step as the transition), or skip the work cases (WORK_QUEUE_CASES) with a reason`,
      );
    }
  });

  it('catches a claim that reads, then leases (no lock): one item handed to two owners', async () => {
    const factory = storeWith('claimReadThenWrite');
    // One claim at a time it is right: only the race shows it.
    for (const workCase of ['workWrites', 'workRunAt', 'workLease', 'workRetry', 'workFail'] as const) {
      await expect(storeContractCases[workCase](factory)).resolves.toBeUndefined();
    }
    expect(await violation(storeContractCases.workClaimRace(factory))).toMatch(
      /^StoreContractViolation: \[workClaimRace\] item wrk_\w+ was handed to two owners: racer-0_\w+ and racer-1_\w+$/,
    );
  });

  it('catches a settle that ignores the owner: the old holder completes an item another owner took', async () => {
    const factory = storeWith('settleIgnoresOwner');
    await expect(storeContractCases.workRetry(factory)).resolves.toBeUndefined();
    expect(await violation(storeContractCases.workLease(factory))).toBe(
      'StoreContractViolation: [workLease] completeWork by the owner whose lease ran out returned true',
    );
  });

  it('catches work written by a lost compare-and-set, and a replay that resets an item under way', async () => {
    expect(await violation(storeContractCases.workWrites(storeWith('workOnLostRace')))).toMatch(
      /^StoreContractViolation: \[workWrites\] listWork of the binding holds wrk_\w+, which only an update that lost its compare-and-set wrote$/,
    );
    expect(await violation(storeContractCases.workWrites(storeWith('replayResetsWork')))).toMatch(
      /^StoreContractViolation: \[workWrites\] writing item wrk_\w+ again reset it \(now pending, 0 attempts\)/,
    );
  });

  it('catches a claim that ignores runAt: workRunAt and workRetry', async () => {
    const factory = storeWith('claimIgnoresRunAt');
    expect(await violation(storeContractCases.workRunAt(factory))).toMatch(
      /^StoreContractViolation: \[workRunAt\] claimWork of two items 1 ms before the first is due returned wrk_\w+ \(running, 1 attempts\), wrk_\w+ \(running, 1 attempts\)$/,
    );
    expect(await violation(storeContractCases.workRetry(factory))).toMatch(
      /^StoreContractViolation: \[workRetry\] a claim 1 ms before the retry is due returned wrk_\w+ \(running, 2 attempts\)$/,
    );
  });

  it('catches a lease that never runs out, and a failure that is not final', async () => {
    expect(await violation(storeContractCases.workLease(storeWith('leaseNeverExpires')))).toBe(
      'StoreContractViolation: [workLease] a claim by another owner when the lease had run out returned nothing: a holder that died would hold the item forever',
    );
    expect(await violation(storeContractCases.workFail(storeWith('failNotFinal')))).toMatch(
      /^StoreContractViolation: \[workFail\] a claim of the failed item, long after \(failed is final\) returned wrk_\w+ \(running, 2 attempts\)$/,
    );
  });

  it('catches a sweep query that lists finished bindings', async () => {
    expect(await violation(storeContractCases.expiredBindings(storeWith('expiredIncludesFinished')))).toMatch(
      /^StoreContractViolation: \[expiredBindings\] listExpiredBindings returned bnd_\w+ \(failed, expires [\d:.TZ-]+\)$/,
    );
  });
});
