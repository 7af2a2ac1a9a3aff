import { CardBindingError, cardBindingModule, CardBindingService } from '@cardbind/core';
import { Container } from 'inversify';
import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, describeError, withStore } from '../with-store.js';

// Shorter driver messages could occur in cardbind's own wording by chance.
const MIN_DRIVER_TEXT = 8;

/**
 * When the database goes away, a CardBindingService on the store fails like every other cardbind
 * failure: a CardBindingError with code STORE_UNAVAILABLE, retryable, whose message carries neither
 * the driver's text (SQL errors quote the values they failed on) nor a secret of the store's.
 */
export async function storeUnavailableCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async (sut, f) => {
    const { breakStore } = sut;
    holds(
      'storeUnavailable',
      breakStore !== undefined,
      'the store under test has no breakStore(): give one that makes its database unreachable (end the pool, stop the server), or skip this case with a reason',
    );
    const fresh = f.binding();
    await created('storeUnavailable', sut.store, fresh, f.creationAudit(fresh));
    const container = new Container();
    container.load(cardBindingModule({ store: sut.store }));
    const service = container.get(CardBindingService);
    const before = await service.get(fresh.id).catch((error: unknown) => error);
    holds(
      'storeUnavailable',
      !(before instanceof Error),
      () => `service.get failed before the store was broken: ${describeError(before)}`,
    );

    await breakStore.call(sut);
    const driverError = await sut.store.get(fresh.id).then(
      () => undefined,
      (error: unknown) => error,
    );
    holds(
      'storeUnavailable',
      driverError !== undefined,
      'after breakStore() the store still answered get(): breakStore must make the database unreachable',
    );
    const driverText = driverTextOf(driverError);
    const secrets = (sut.secrets ?? []).filter((secret) => secret !== '');

    const calls = [
      ['get', () => service.get(fresh.id)],
      ['listCards', () => service.listCards(fresh.customer.id)],
    ] as const;
    for (const [name, call] of calls) {
      const error = await call().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      holds(
        'storeUnavailable',
        CardBindingError.is(error),
        () =>
          `service.${name} on a broken store ${error === undefined ? 'answered' : `threw ${describeError(error)}`}, not a CardBindingError`,
      );
      holds(
        'storeUnavailable',
        error.code === 'STORE_UNAVAILABLE' && error.retryable,
        () =>
          `service.${name} on a broken store threw ${error.code} (retryable: ${String(error.retryable)}), not a retryable STORE_UNAVAILABLE`,
      );
      const shown = `${String(error)}\n${JSON.stringify(error)}`;
      holds(
        'storeUnavailable',
        driverText.trim().length < MIN_DRIVER_TEXT || !shown.includes(driverText),
        () =>
          `service.${name}'s error shows the driver's message "${driverText}": keep it in the (redacted) cause only`,
      );
      const withCause = `${shown}\n${String(error.cause)}`;
      for (const [index, secret] of secrets.entries()) {
        holds(
          'storeUnavailable',
          !withCause.includes(secret),
          `service.${name}'s error or its cause shows secrets[${index}]`,
        );
      }
    }
  });
}

/**
 * The driver's own words: the message of what the store threw, or, when the store already wraps its
 * driver's errors in a CardBindingError (which core's guard passes on as it is), of that error's cause.
 */
function driverTextOf(error: unknown): string {
  const driver = CardBindingError.is(error) ? error.cause : error;
  if (driver === undefined) return '';
  return driver instanceof Error ? driver.message : String(driver);
}
