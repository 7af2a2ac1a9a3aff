/// <reference lib="dom" />
import {
  type CardField,
  type CardInput,
  type CardInputProblem,
  checkCardInput,
  type FormAction,
  requiredCardFields,
} from '@cardbind/core/client';
import { el } from './dom.js';

interface FieldUi {
  label: string;
  autocomplete: string;
  type?: string;
  inputmode?: string;
  placeholder?: string;
}

/** How each card field looks; which of them appear is the backend's choice (its params list). */
const FIELD_UI: Readonly<Record<CardField, FieldUi>> = {
  number: {
    label: 'Card number',
    autocomplete: 'cc-number',
    inputmode: 'numeric',
    placeholder: '0000 0000 0000 0000',
  },
  expires: { label: 'Expiry (MM/YY)', autocomplete: 'cc-exp', inputmode: 'numeric', placeholder: 'MM/YY' },
  cvv: { label: 'CVV', autocomplete: 'cc-csc', type: 'password', inputmode: 'numeric' },
  name: { label: 'Cardholder name (as on the card)', autocomplete: 'cc-name', placeholder: 'IVAN IVANOV' },
  mail: { label: 'E-mail', autocomplete: 'email', type: 'email' },
  phone: { label: 'Phone', autocomplete: 'tel', type: 'tel' },
  country: { label: 'Country (two letters, e.g. RU)', autocomplete: 'country', placeholder: 'RU' },
  bank: { label: 'Issuing bank', autocomplete: 'off' },
  city: { label: 'City', autocomplete: 'address-level2' },
  address: { label: 'Address', autocomplete: 'street-address' },
  zip: { label: 'ZIP code (US only)', autocomplete: 'postal-code' },
  state: { label: 'State (US only)', autocomplete: 'address-level1' },
};

export interface CardForm {
  readonly form: HTMLFormElement;
  readonly fields: readonly CardField[];
  /** What the customer typed, for the asked fields only. */
  read(): CardInput;
  /** Marks every problem at its input; returns false when there was any. */
  check(): boolean;
  setBusy(busy: boolean): void;
}

/**
 * The card form for a PayOnline form action: one input per field the params ask for
 * (`requiredCardFields`), nothing else. The form has no action: its values go to the processor with
 * `submitCardForm`, never to the host.
 */
export function renderCardForm(
  action: FormAction,
  onSubmit: (form: CardForm) => void,
  onCancel: () => void,
): CardForm {
  const fields = requiredCardFields(action);
  const inputs = new Map<CardField, HTMLInputElement>();
  const errors = new Map<CardField, HTMLElement>();
  const form = el('form', { id: 'card-form', novalidate: '', autocomplete: 'on' });
  const host = new URL(action.url).host;
  form.append(
    el(
      'p',
      { class: 'processor' },
      `Your card goes straight to ${action.processor.name} (${host}); this shop never sees it.`,
    ),
  );
  for (const field of fields) {
    const ui = FIELD_UI[field];
    const input = el('input', {
      name: field,
      id: `card-${field}`,
      autocomplete: ui.autocomplete,
      ...(ui.type === undefined ? {} : { type: ui.type }),
      ...(ui.inputmode === undefined ? {} : { inputmode: ui.inputmode }),
      ...(ui.placeholder === undefined ? {} : { placeholder: ui.placeholder }),
    });
    const error = el('p', { class: 'field-error', id: `card-${field}-error`, hidden: '' });
    input.setAttribute('aria-describedby', error.id);
    inputs.set(field, input);
    errors.set(field, error);
    form.append(el('label', {}, ui.label, input), error);
  }
  const submit = el('button', { type: 'submit', id: 'card-submit' }, 'Save card');
  // A customer who picked the wrong provider, or changed their mind, needs a way out that is not a
  // reload: nothing has left the browser yet, so closing the form is all a cancel has to do.
  const cancel = el('button', { type: 'button', id: 'card-cancel', class: 'secondary' }, 'Cancel');
  cancel.addEventListener('click', onCancel);
  form.append(submit, cancel);

  const read = (): CardInput => {
    const input: CardInput = {};
    for (const [field, element] of inputs) input[field] = element.value;
    return input;
  };
  const showProblems = (problems: readonly CardInputProblem[]): void => {
    for (const field of fields) {
      const problem = problems.find((candidate) => candidate.field === field);
      inputs.get(field)?.setAttribute('aria-invalid', problem ? 'true' : 'false');
      const error = errors.get(field);
      if (!error) continue;
      error.textContent = problem?.message ?? '';
      error.hidden = problem === undefined;
    }
  };
  const cardForm: CardForm = {
    form,
    fields,
    read,
    check() {
      const result = checkCardInput(read(), { fields });
      showProblems(result.ok ? [] : result.errors);
      return result.ok;
    },
    setBusy(busy) {
      submit.disabled = busy;
      cancel.disabled = busy;
      for (const input of inputs.values()) input.disabled = busy;
    },
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (cardForm.check()) onSubmit(cardForm);
  });
  return cardForm;
}
