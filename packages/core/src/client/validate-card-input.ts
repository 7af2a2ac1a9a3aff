import { CardBindingError } from '../errors.js';
import { passesLuhn } from '../luhn.js';
import { CardField, CardInput } from './card-input.js';
import { isIsoCountryCode } from './iso-countries.js';

/**
 * One thing wrong with the card form. `message` is written for the customer and never quotes the typed
 * value (a card number or CVV in a message ends up in logs and crash reports).
 */
export interface CardInputProblem {
  readonly field: CardField;
  /** `missing`: a field the form asked for is empty. `invalid`: it is filled but malformed. */
  readonly reason: 'missing' | 'invalid';
  readonly message: string;
}

export type CardInputCheck =
  | { readonly ok: true; readonly value: CardInput; readonly errors: readonly [] }
  | { readonly ok: false; readonly errors: readonly CardInputProblem[] };

export interface ValidateCardInputOptions {
  /** The clock the expiry is judged by; injectable so tests do not depend on today's date. */
  now?: () => Date;
  /**
   * Fields that must be filled. Others are checked only when filled. `zip` and `state` are required only when
   * the country is US: LitRes's form-params spec allows them for US payers alone, so for anyone else a listed
   * zip/state stays empty rather than blocking the payment.
   */
  fields?: readonly CardField[];
}

type FieldOutcome = { readonly value: string } | { readonly problem: string };

interface FieldContext {
  readonly country: string;
  readonly now: Date;
}

const US = 'US';
// ASCII only on purpose: the processor wants Latin digits, and \d without the u flag matches only 0-9.
const CARD_NUMBER_SEPARATORS = /[\s-]/g;
const LATIN_NAME = /^[A-Za-z .'-]+$/;
const PLAUSIBLE_EMAIL = /^[^\s@]+@(?:[^\s@.]+\.)+[^\s@.]{2,}$/;
const PHONE = /^[+\d ]+$/;
const US_ZIP = /^\d{5}(?:-\d{4})?$/;

/** C0 controls and DEL: never part of a card field, and a newline could break a naive form encoder. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Length in code points, so a non-BMP character counts once, as the customer sees it. */
function lengthOf(value: string): number {
  return [...value].length;
}

function limitLength(label: string, max: number): (value: string) => FieldOutcome {
  return (value) =>
    lengthOf(value) > max ? { problem: `${label} must be at most ${max} characters` } : { value };
}

/** Year and month as one comparable number. */
function monthIndex(year: number, monthZeroBased: number): number {
  return year * 12 + monthZeroBased;
}

/**
 * A card is valid through the last day of its expiry month. The device's time zone and UTC may disagree
 * about which month it is; the earlier one is used so a card is never refused for being "expired" only
 * in some zone. The processor remains the final judge.
 */
function currentMonthIndex(now: Date): number {
  return Math.min(
    monthIndex(now.getFullYear(), now.getMonth()),
    monthIndex(now.getUTCFullYear(), now.getUTCMonth()),
  );
}

function checkNumber(value: string): FieldOutcome {
  const digits = value.replace(CARD_NUMBER_SEPARATORS, '');
  if (!/^\d+$/.test(digits)) return { problem: 'Card number may contain only digits, spaces and dashes' };
  if (digits.length < 13 || digits.length > 19) return { problem: 'Card number must have 13 to 19 digits' };
  if (!passesLuhn(digits)) return { problem: 'Card number is not valid; please check it' };
  return { value: digits };
}

function checkExpires(value: string, context: FieldContext): FieldOutcome {
  // Customers type "12/29" as often as "1229"; both mean MMYY, which is what is sent.
  const match = /^(\d{2})\/?(\d{2})$/.exec(value.replace(/\s/g, ''));
  if (!match?.[1] || !match[2]) return { problem: 'Expiry date must be MMYY' };
  const month = Number(match[1]);
  if (month < 1 || month > 12) return { problem: 'Expiry month must be 01 to 12' };
  const year = 2000 + Number(match[2]);
  if (monthIndex(year, month - 1) < currentMonthIndex(context.now))
    return { problem: 'The card has expired' };
  return { value: `${match[1]}${match[2]}` };
}

function checkName(value: string): FieldOutcome {
  const name = value.replace(/\s+/g, ' ');
  if (lengthOf(name) > 100) return { problem: 'Cardholder name must be at most 100 characters' };
  if (!LATIN_NAME.test(name) || !/[A-Za-z]/.test(name)) {
    return { problem: 'Cardholder name must be in Latin letters, as printed on the card' };
  }
  return { value: name };
}

function checkMail(value: string): FieldOutcome {
  if (lengthOf(value) > 50) return { problem: 'E-mail must be at most 50 characters' };
  if (!PLAUSIBLE_EMAIL.test(value)) return { problem: 'E-mail address is not valid' };
  return { value };
}

function checkPhone(value: string): FieldOutcome {
  if (lengthOf(value) > 50) return { problem: 'Phone must be at most 50 characters' };
  if (!PHONE.test(value) || !/\d/.test(value))
    return { problem: 'Phone may contain only digits, + and spaces' };
  return { value };
}

function checkCountry(value: string): FieldOutcome {
  const code = value.toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || !isIsoCountryCode(code)) {
    return { problem: 'Country must be a two-letter ISO 3166 code, such as RU' };
  }
  return { value: code };
}

function checkZip(value: string, context: FieldContext): FieldOutcome {
  if (context.country !== US) return { problem: 'ZIP code is accepted only when the country is US' };
  if (!US_ZIP.test(value)) return { problem: 'ZIP code must be 5 digits or 5+4 digits (12345-6789)' };
  return { value };
}

function checkState(value: string, context: FieldContext): FieldOutcome {
  if (context.country !== US) return { problem: 'State is accepted only when the country is US' };
  if (!/^[A-Za-z]{2}$/.test(value)) return { problem: 'State must be a two-letter code, such as CA' };
  return { value: value.toUpperCase() };
}

const FIELD_CHECKS: Readonly<Record<CardField, (value: string, context: FieldContext) => FieldOutcome>> = {
  name: checkName,
  number: checkNumber,
  expires: checkExpires,
  cvv: (value) => (/^\d{3,4}$/.test(value) ? { value } : { problem: 'CVV must be 3 or 4 digits' }),
  // PayOnline's Issuer field takes up to 100 characters.
  bank: limitLength('Bank name', 100),
  mail: checkMail,
  phone: checkPhone,
  country: checkCountry,
  city: limitLength('City', 50),
  address: limitLength('Address', 150),
  zip: checkZip,
  state: checkState,
};

const MISSING_MESSAGES: Readonly<Record<CardField, string>> = {
  name: 'Enter the cardholder name',
  number: 'Enter the card number',
  expires: 'Enter the expiry date',
  cvv: 'Enter the CVV',
  bank: 'Enter the bank that issued the card',
  mail: 'Enter an e-mail address',
  phone: 'Enter a phone number',
  country: 'Enter the country',
  city: 'Enter the city',
  address: 'Enter the address',
  zip: 'Enter the ZIP code',
  state: 'Enter the state',
};

function isRequired(field: CardField, required: ReadonlySet<CardField>, country: string): boolean {
  if (!required.has(field)) return false;
  return field === 'zip' || field === 'state' ? country === US : true;
}

/**
 * Every problem with the form at once, so an app can mark all wrong inputs in one pass. On success
 * `value` holds the normalised input (card number digits only, MMYY, upper-case country and state,
 * trimmed text); empty fields are left out of it.
 */
export function checkCardInput(input: CardInput, options: ValidateCardInputOptions = {}): CardInputCheck {
  // The input crosses from UI code, possibly plain JS: a non-string value must be a reported problem,
  // not a crash halfway through.
  const parsed = CardInput.safeParse(input);
  if (!parsed.success) {
    const errors: CardInputProblem[] = [];
    for (const issue of parsed.error.issues) {
      const field = CardField.safeParse(issue.path[0]);
      if (field.success) errors.push({ field: field.data, reason: 'invalid', message: 'Must be text' });
    }
    if (errors.length > 0) return { ok: false, errors };
    throw new CardBindingError('INVALID_CARD_DATA', 'Card input must be an object of text fields');
  }

  const raw = parsed.data;
  const required = new Set(options.fields ?? []);
  const countryOutcome = checkCountry(raw.country?.trim() ?? '');
  const context: FieldContext = {
    country: 'value' in countryOutcome ? countryOutcome.value : '',
    now: options.now?.() ?? new Date(),
  };

  const value: CardInput = {};
  const errors: CardInputProblem[] = [];
  for (const field of CardField.options) {
    const typed = raw[field]?.trim() ?? '';
    if (typed === '') {
      if (isRequired(field, required, context.country)) {
        errors.push({ field, reason: 'missing', message: MISSING_MESSAGES[field] });
      }
      continue;
    }
    if (hasControlCharacter(typed)) {
      errors.push({ field, reason: 'invalid', message: 'Must not contain control characters' });
      continue;
    }
    const outcome = FIELD_CHECKS[field](typed, context);
    if ('problem' in outcome) errors.push({ field, reason: 'invalid', message: outcome.problem });
    else value[field] = outcome.value;
  }
  return errors.length === 0 ? { ok: true, value, errors: [] } : { ok: false, errors };
}

/**
 * The normalised input, or a CardBindingError('INVALID_CARD_DATA') for the first problem, with `field`
 * naming the input to highlight. Use `checkCardInput` to show every problem at once.
 */
export function validateCardInput(input: CardInput, options: ValidateCardInputOptions = {}): CardInput {
  const check = checkCardInput(input, options);
  if (check.ok) return check.value;
  const [first] = check.errors;
  if (first === undefined) throw new CardBindingError('INVALID_CARD_DATA', 'Card input is not valid');
  throw new CardBindingError('INVALID_CARD_DATA', first.message, { field: first.field });
}
