import { CardBindingError } from '../errors.js';
import type { FormAction, FormParam } from '../next-action.js';
import type { CardField, CardInput } from './card-input.js';
import { canonicalSubstitute, cardFieldOf, type SubstituteKey } from './substitutes.js';
import { checkCardInput } from './validate-card-input.js';

/** One name/value pair of the request to the processor, in the backend's order. */
export interface FilledParam {
  readonly name: string;
  readonly value: string;
}

export interface FillFormParamsOptions {
  /** The clock the card's expiry is judged by (tests inject one). */
  now?: () => Date;
}

/** Only the params list matters here, so a hand-built `{ params }` works as well as a whole FormAction. */
type ParamsSource = Pick<FormAction, 'params'>;

function resolveSubstitute(param: FormParam & { substitute: string }): SubstituteKey {
  const key = canonicalSubstitute(param.substitute);
  if (key === undefined) {
    // The key is the backend's vocabulary, not customer data, so naming it is safe and helps support.
    throw new CardBindingError(
      'INVALID_CARD_DATA',
      `Form param "${param.name}" asks for an unknown substitute "${param.substitute}"`,
      { field: param.name },
    );
  }
  return key;
}

function hasSubstitute(param: FormParam): param is FormParam & { substitute: string } {
  return param.substitute !== undefined;
}

/**
 * The card-form fields to ask the customer for: those the params list names, in order, once each. Optional
 * fields (city, address, zip, state) appear only when the backend listed them, which is LitRes's form-params
 * spec's rule for asking. `security_key` is never a form field. `zip` and `state` are accepted only for US
 * payers, so an app may hide them until the country is US. Throws INVALID_CARD_DATA (with the param's name as
 * `field`) for a substitute outside the vocabulary, so a bad request fails before any input.
 */
export function requiredCardFields(action: ParamsSource): CardField[] {
  const fields: CardField[] = [];
  for (const param of action.params) {
    if (!hasSubstitute(param)) continue;
    const field = cardFieldOf(resolveSubstitute(param));
    if (field !== undefined && !fields.includes(field)) fields.push(field);
  }
  return fields;
}

/**
 * The request to send to the processor, following LitRes's form-params spec (`w_add_new_creditcard`):
 * - a param without `substitute` is sent exactly as given: an empty value stays empty, never dropped;
 * - a param with `substitute` takes the customer's (validated, normalised) value for that key;
 * - order and duplicates are kept, since the backend built the list and may rely on either;
 * - optional fields are sent only because, and only where, the backend listed them: nothing outside
 *   the params list is ever added.
 * Invalid or missing card data throws CardBindingError('INVALID_CARD_DATA') before anything is sent;
 * `field` is the card-form field to highlight and the message also names the form param. Neither ever
 * contains a typed value.
 */
export function fillFormParams(
  action: ParamsSource,
  cardInput: CardInput,
  options: FillFormParamsOptions = {},
): FilledParam[] {
  const asked = requiredCardFields(action);
  // A request the backend got wrong fails before the customer's data is judged: fixing the card
  // details would not help.
  for (const param of action.params) {
    if (hasSubstitute(param) && resolveSubstitute(param) === 'security_key') securityKeyValue(param);
  }
  // Only the asked fields are validated and used: whatever else the app's form state holds is ignored.
  // The country is kept as context when zip or state is asked, since those depend on it being US.
  const needsCountry = asked.includes('zip') || asked.includes('state');
  const relevant: CardInput = {};
  for (const field of fieldsToValidate(asked, needsCountry)) relevant[field] = cardInput[field];

  const check = checkCardInput(relevant, { fields: asked, now: options.now });
  if (!check.ok) {
    const [problem] = check.errors;
    if (problem === undefined) throw new CardBindingError('INVALID_CARD_DATA', 'Card input is not valid');
    // Name the backend's param and substitute too (as listed, alias included): they are what a
    // developer finds in the backend's answer. Never the typed value.
    const param = action.params.find(
      (candidate) => hasSubstitute(candidate) && cardFieldOf(resolveSubstitute(candidate)) === problem.field,
    );
    const where =
      param?.substitute === undefined
        ? ''
        : ` (form param "${param.name}", substitute "${param.substitute}")`;
    throw new CardBindingError('INVALID_CARD_DATA', `${problem.message}${where}`, { field: problem.field });
  }

  return action.params.map((param) => {
    if (!hasSubstitute(param)) return { name: param.name, value: param.value };
    const key = resolveSubstitute(param);
    const field = cardFieldOf(key);
    if (field === undefined) return { name: param.name, value: securityKeyValue(param) };
    // A listed zip/state for a non-US payer is the one substitute that may stay empty (see checkCardInput);
    // the param itself is still sent, because params are never dropped.
    return { name: param.name, value: check.value[field] ?? '' };
  });
}

function fieldsToValidate(asked: readonly CardField[], withCountry: boolean): CardField[] {
  return withCountry && !asked.includes('country') ? [...asked, 'country'] : [...asked];
}

/**
 * `security_key` is the backend's integrity key for the request (LitRes's form-params spec: used with 3-D
 * Secure). The customer cannot type it and the app cannot compute it (it is made with the merchant's private
 * key), so the only sound source is the value the backend put in the param. An empty one means the backend
 * failed to supply it; sending the request anyway would only get it rejected by the processor.
 */
function securityKeyValue(param: FormParam): string {
  if (param.value !== '') return param.value;
  throw new CardBindingError(
    'INVALID_CARD_DATA',
    `Form param "${param.name}" (substitute security_key) has no value from the backend`,
    { field: param.name },
  );
}
