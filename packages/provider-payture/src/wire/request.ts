import { CardBindingError, Secret } from '@cardbind/core';

/** The vwapi commands this package speaks: the Add terminal's for binding, the Pay terminal's for charging. */
export type PaytureCommand =
  | 'Register'
  | 'Check'
  | 'Update'
  | 'Delete'
  | 'Init'
  | 'GetList'
  | 'Remove'
  | 'Pay'
  | 'PaySubmit3DS'
  | 'GetState'
  | 'Refund';

export type DataValue = string | number | Secret | undefined;

const DATA_KEY = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Builds the DATA field exactly as Payture's own sample does: each value percent-encoded
 * (encodeURIComponent, as Node's querystring.escape), pairs joined with `;`. The HTTP layer then
 * form-encodes the whole string once more as the `DATA` form field. Undefined values are left out.
 *
 * No escape for `;` inside a value is documented, so such a value is refused rather than sent in a
 * form the server might split differently. Errors name the key, never the value: DATA holds passwords.
 */
export function encodeData(fields: Readonly<Record<string, DataValue>>): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (!DATA_KEY.test(key)) {
      throw new CardBindingError('CONFIG_INVALID', `Invalid Payture DATA key`, { field: 'DATA' });
    }
    const plain = value instanceof Secret ? value.reveal() : String(value);
    if (plain.includes(';')) {
      throw new CardBindingError('CONFIG_INVALID', `Payture DATA value for ${key} must not contain ";"`, {
        field: key,
      });
    }
    pairs.push(`${key}=${encodeURIComponent(plain)}`);
  }
  return pairs.join(';');
}

/** The keys of DATA that are sent (their values never leave the request): for the debug line. */
export function sentKeys(fields: Readonly<Record<string, DataValue>>): string[] {
  return Object.keys(fields).filter((key) => fields[key] !== undefined);
}
