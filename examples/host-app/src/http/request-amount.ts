import { fromMajorString, type Money } from '@cardbind/core';
import type { AmountInput } from '../shared/charge-api-types.js';

/**
 * The amount a request asked for, as integer minor units. A decimal string is converted on its digits
 * with the currency's own minor unit (`"10.00"` RUB → 1000; `"10.005"` RUB is refused with
 * AMOUNT_INVALID, not rounded), so no amount a customer typed ever passes through floating point.
 */
export function toRequestedMoney(input: AmountInput, currency: string): Money {
  if (typeof input !== 'string') return input;
  return fromMajorString(input, currency);
}
