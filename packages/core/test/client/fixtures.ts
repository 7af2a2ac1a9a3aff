import { expect } from 'vitest';
import {
  CardBindingError,
  type CardBindingErrorCode,
  type CardInput,
  type FormParam,
} from '../../src/client/index.js';

/** Card data used across the suite; no error message may ever contain any of it. */
export const CARD_NUMBER = '4111111111111111';
export const CARD_NUMBER_TYPED = '4111 1111-1111 1111';
export const OTHER_CARD_NUMBER = '5555555555554444';
// Chosen so it cannot appear by accident in a message (e.g. the "12345-6789" ZIP hint).
export const CVV = '947';
export const SECRETS: readonly string[] = [CARD_NUMBER, CARD_NUMBER_TYPED, OTHER_CARD_NUMBER, CVV];

/** Mid-month, so local time and UTC agree on the month in every time zone. */
export const NOW = new Date(Date.UTC(2026, 5, 15, 12));
export const now = (): Date => NOW;

export const RU_PAYER: CardInput = {
  name: 'Vasily Pupkin',
  number: CARD_NUMBER_TYPED,
  expires: '12/29',
  cvv: CVV,
  bank: 'Sberbank',
  mail: 'vasily@example.ru',
  phone: '+7 495 123 45 67',
  country: 'ru',
  city: 'Moscow',
  address: 'Tverskaya 1',
};

export const US_PAYER: CardInput = {
  ...RU_PAYER,
  name: "Mary-Ann O'Neil Jr.",
  country: 'US',
  city: 'Springfield',
  address: '742 Evergreen Terrace',
  zip: '12345-6789',
  state: 'il',
};

/** The params list of LitRes's form-params spec's example answer (w_add_new_creditcard), verbatim. */
export const SEED_PARAMS: FormParam[] = [
  { name: 'merchant_id', value: '666' },
  { name: 'order_id', value: '555' },
  { name: 'amount', value: '100500' },
  { name: 'currency', value: 'RUR' },
  { name: 'security_key', value: '1bc29b36f623ba82aaf6724fd3b16718' },
  { name: 'email', value: '', substitute: 'mail' },
  { name: 'cardholdername', value: '', substitute: 'name' },
  { name: 'cardnumber', value: '', substitute: 'number' },
  { name: 'cardexpdate', value: '', substitute: 'expires' },
  { name: 'cardcvv', value: '', substitute: 'cvv' },
  { name: 'country', value: '', substitute: 'country' },
  { name: 'city', value: '', substitute: 'city' },
  { name: 'zip', value: '', substitute: 'zipcode' },
  { name: 'address', value: '', substitute: 'address' },
  { name: 'state', value: '', substitute: 'state' },
  { name: 'phone', value: '', substitute: 'phone' },
  { name: 'issuer', value: '', substitute: 'issuer' },
];

/** Every error message and serialised error the suite produced, for the leak check. */
export const seenErrors: string[] = [];

function assertNoSecrets(error: CardBindingError): void {
  const texts = [error.message, JSON.stringify(error), String(error)];
  seenErrors.push(...texts);
  for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret);
}

/**
 * Run `action`, expect a CardBindingError with `code` (and `field` when given), and check that
 * neither its message nor its JSON carries card data. Every error test in the suite goes through here.
 */
export function expectCardError(
  action: () => unknown,
  code: CardBindingErrorCode,
  field?: string,
): CardBindingError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(CardBindingError.is(caught, code), `expected CardBindingError ${code}, got ${String(caught)}`).toBe(
    true,
  );
  if (!CardBindingError.is(caught)) throw new Error('unreachable');
  if (field !== undefined) expect(caught.field).toBe(field);
  assertNoSecrets(caught);
  return caught;
}

/** The async twin of expectCardError. */
export async function expectCardRejection(
  promise: Promise<unknown>,
  code: CardBindingErrorCode,
): Promise<CardBindingError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(CardBindingError.is(caught, code), `expected CardBindingError ${code}, got ${String(caught)}`).toBe(
    true,
  );
  if (!CardBindingError.is(caught)) throw new Error('unreachable');
  assertNoSecrets(caught);
  return caught;
}
