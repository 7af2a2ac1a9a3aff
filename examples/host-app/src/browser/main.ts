/// <reference lib="dom" />
import { assertSecureUrl, CardBindingError, type FormAction } from '@cardbind/core/client';
import { buildAcsForm, submitCardForm } from '@cardbind/provider-payonline/client';
import type { BindingView, CardListItem, ClientConfig } from '../shared/api-types.js';
import { api } from './api.js';
import { renderCardForm, type CardForm } from './card-form.js';
import { type CardActions, renderCards } from './cards-list.js';
import { charging } from './charging.js';
import { byId, el } from './dom.js';
import { followBinding } from './follow-binding.js';
import { newIdempotencyKey } from './idempotency-key.js';
import { messageOf } from './message-of.js';
import { pendingBinding } from './pending-binding.js';
import { postForm } from './post-form.js';
import { statusPanel } from './status-panel.js';

/**
 * The demo page: log in, pick a provider, add a card, see the saved cards, charge them and refund the
 * charges (charging.ts). Payture shows its own card page; PayOnline's card form is drawn here from the
 * params the host sent and posted straight to the processor, so the card never passes through the host.
 */
async function main(): Promise<void> {
  const config = await api.config();
  renderProviders(config);
  renderTestCards(config);
  byId('loading', HTMLElement).hidden = true;

  const customerId = await currentCustomer();
  if (customerId === undefined) {
    showLogin();
    return;
  }
  byId('customer-name', HTMLElement).textContent = customerId;
  for (const id of ['who', 'bind', 'cards', 'charges']) byId(id, HTMLElement).hidden = false;
  byId('logout', HTMLButtonElement).addEventListener('click', () => void logout());
  byId('start-form', HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    void startBinding(config);
  });
  byId('retry', HTMLButtonElement).addEventListener('click', () => void startBinding(config));
  const cardCharging = charging(config);
  cardActions = {
    onRemove: (card) => void removeCard(card),
    onCharge: (card, amount, done) => void cardCharging.chargeCard(card, amount, done),
  };
  await Promise.all([refreshCards(), cardCharging.refreshCharges()]);
  await Promise.all([resumeBinding(config), cardCharging.resume()]);
}

/** What each saved card's buttons do; set once the customer is known. */
let cardActions: CardActions | undefined;

async function currentCustomer(): Promise<string | undefined> {
  return (await api.session()).customerId ?? undefined;
}

function showLogin(): void {
  byId('login', HTMLElement).hidden = false;
  byId('login-form', HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId('login-form', HTMLFormElement).elements.namedItem('customer');
    const name = input instanceof HTMLInputElement ? input.value.trim() : 'demo';
    void api
      .login(name || 'demo')
      .then(() => location.assign(location.pathname + location.search))
      .catch((error: unknown) => statusPanel.say(messageOf(error), 'failure'));
  });
}

async function logout(): Promise<void> {
  pendingBinding.clear();
  await api.logout();
  location.assign('/');
}

function renderProviders(config: ClientConfig): void {
  byId('providers', HTMLElement).replaceChildren(
    ...config.providers.map((provider, index) => {
      const radio = el('input', {
        type: 'radio',
        name: 'provider',
        value: provider.id,
        id: `provider-${provider.id}`,
      });
      radio.checked = index === 0;
      return el('label', {}, radio, ` ${provider.label}`);
    }),
  );
}

function renderTestCards(config: ClientConfig): void {
  if (!config.testCards || config.testCards.length === 0) return;
  byId('test-card-rows', HTMLElement).replaceChildren(
    ...config.testCards.map((card) => el('tr', {}, el('td', {}, card.number), el('td', {}, card.meaning))),
  );
  byId('test-cards', HTMLElement).hidden = false;
}

function selectedProvider(): string | undefined {
  const checked = document.querySelector('input[name="provider"]:checked');
  return checked instanceof HTMLInputElement ? checked.value : undefined;
}

function setStarting(busy: boolean): void {
  byId('start', HTMLButtonElement).disabled = busy;
}

async function startBinding(config: ClientConfig): Promise<void> {
  const provider = selectedProvider();
  if (provider === undefined) return;
  setStarting(true);
  closeCardForm();
  byId('retry', HTMLButtonElement).hidden = true;
  statusPanel.say('Starting…');
  try {
    // One key per click: a double click or a retried request starts one binding, not two.
    const { binding } = await api.startBinding(provider, newIdempotencyKey());
    const action = binding.nextAction;
    if (!action) throw new Error('the binding has no next step');
    if (action.type === 'redirect') {
      assertSecureUrl(action.url, { allowLoopbackHttp: config.allowLoopbackHttp });
      pendingBinding.save(binding.id);
      statusPanel.say(`Taking you to ${new URL(action.url).host} to enter your card…`);
      if (action.method === 'GET' && !action.fields) location.assign(action.url);
      else postForm({ action: action.url, method: 'POST', fields: action.fields ?? {} });
      return;
    }
    showCardForm(binding, action, config);
  } catch (error) {
    statusPanel.say(messageOf(error), 'failure');
    setStarting(false);
  }
}

function showCardForm(binding: BindingView, action: FormAction, config: ClientConfig): void {
  const area = byId('card-form-area', HTMLElement);
  const cardForm = renderCardForm(
    action,
    (form) => void submitCard(binding, action, form, config),
    () => cancelCardForm(),
  );
  area.replaceChildren(el('h3', {}, 'Card details'), cardForm.form);
  area.hidden = false;
  statusPanel.say('Enter your card details.');
  cardForm.form.querySelector('input')?.focus();
}

/** The card never left the page; the order at PayOnline stays open until its deadline and then expires. */
function cancelCardForm(): void {
  closeCardForm();
  statusPanel.say('Cancelled: no card was sent. You can add a card whenever you like.');
  setStarting(false);
  byId('start', HTMLButtonElement).focus();
}

function closeCardForm(): void {
  const area = byId('card-form-area', HTMLElement);
  area.replaceChildren();
  area.hidden = true;
}

async function submitCard(
  binding: BindingView,
  action: FormAction,
  form: CardForm,
  config: ClientConfig,
): Promise<void> {
  form.setBusy(true);
  statusPanel.say(`Sending your card to ${action.processor.name}…`);
  let result: Awaited<ReturnType<typeof submitCardForm>>;
  try {
    result = await submitCardForm(action, form.read(), { allowLoopbackHttp: config.allowLoopbackHttp });
  } catch (error) {
    form.setBusy(false);
    if (CardBindingError.is(error, 'PROVIDER_UNAVAILABLE')) {
      // The card may or may not have reached the processor: ask the host before offering a retry.
      closeCardForm();
      statusPanel.say(`${action.processor.name} did not answer; checking whether the card was saved…`);
      return finish(await followBinding(binding.id, config));
    }
    statusPanel.say(messageOf(error), 'failure');
    return;
  }
  switch (result.kind) {
    case 'accepted':
      closeCardForm();
      await api.report(binding.id, result.hostReport);
      return finish(await followBinding(binding.id, config));
    case 'declined':
      closeCardForm();
      statusPanel.say(`The card was declined: ${result.message}`, 'failure');
      setStarting(false);
      return;
    case '3ds':
      pendingBinding.save(binding.id);
      statusPanel.say('Your bank wants to confirm it is you; taking you to its page…');
      postForm(buildAcsForm(result));
      return;
    case 'redirect':
      pendingBinding.save(binding.id);
      location.assign(result.url);
      return;
  }
}

/** Back on the page after Payture's page or the bank's 3-D Secure page: follow that binding. */
async function resumeBinding(config: ClientConfig): Promise<void> {
  const params = new URLSearchParams(location.search);
  const bindingId = params.get('binding') ?? pendingBinding.load();
  const hint = params.get('returned') === 'failed' ? 'failed' : undefined;
  if (params.has('binding')) history.replaceState(null, '', location.pathname);
  if (bindingId === null || bindingId === undefined) return;
  setStarting(true);
  statusPanel.say('Checking your card…');
  try {
    finish(await followBinding(bindingId, config, hint === undefined ? {} : { hint }));
  } catch (error) {
    pendingBinding.clear();
    statusPanel.say(messageOf(error), 'failure');
    setStarting(false);
  }
}

function finish(binding: BindingView | undefined): void {
  pendingBinding.clear();
  setStarting(false);
  if (binding?.status === 'succeeded' && binding.card) {
    statusPanel.say(`Card ${binding.card.maskedPan} is saved.`, 'success');
  } else if (binding !== undefined && wrongThreeDsCode(binding)) {
    // A mistyped code is the customer's slip, not the card's fault: say so, and offer the way back in
    // with the same provider (a new binding: PayOnline ends the order after one failed challenge).
    statusPanel.say(
      'Your bank did not accept the confirmation code. Check the code and try again.',
      'failure',
    );
    const provider = document.querySelector(`input[name="provider"][value="${binding.provider}"]`);
    if (provider instanceof HTMLInputElement) provider.checked = true;
    byId('retry', HTMLButtonElement).hidden = false;
  } else {
    statusPanel.say(failureMessage(binding), 'failure');
  }
  void refreshCards();
}

/** PayOnline's Code 6003 (its API docs): the 3-D Secure challenge was failed, i.e. a wrong code. */
function wrongThreeDsCode(binding: BindingView): boolean {
  return binding.provider === 'payonline' && binding.failure?.providerCode === '6003';
}

function failureMessage(binding: BindingView | undefined): string {
  const failure = binding?.failure;
  if (!failure) return 'The card could not be saved. Please try again.';
  switch (failure.code) {
    case 'BINDING_EXPIRED':
    case 'TIMED_OUT':
      return 'The card could not be confirmed in time. Please try again; if money was held, it will be returned.';
    case 'NOT_ADDED':
    case 'NO_ELIGIBLE_CARD':
      return 'The card was not added. Please try again or use another card.';
    case 'CARD_DECLINED':
      return 'The card was declined. Please use another card or contact your bank.';
    default:
      return `The card could not be saved: ${failure.message}`;
  }
}

async function refreshCards(): Promise<void> {
  const { cards } = await api.cards();
  if (cardActions) renderCards(cards, cardActions);
}

async function removeCard(card: CardListItem): Promise<void> {
  try {
    await api.removeCard(card.id);
    statusPanel.say(`Card ${card.maskedPan} removed.`);
  } catch (error) {
    statusPanel.say(messageOf(error), 'failure');
  }
  await refreshCards();
}

main().catch((error: unknown) => {
  byId('loading', HTMLElement).hidden = true;
  statusPanel.say(messageOf(error), 'failure');
  byId('bind', HTMLElement).hidden = false;
});
