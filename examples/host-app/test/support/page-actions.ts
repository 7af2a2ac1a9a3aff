import { BindingEnvelope } from '../../src/shared/api-types.js';
import type { Page } from 'playwright-core';

export interface CardDetails {
  number: string;
  expires: string;
  cvv: string;
  holder: string;
}

/** Opens the shop and logs in as `customer` with the demo login form. */
export async function logIn(page: Page, url: string, customer: string): Promise<void> {
  await page.goto(url);
  await page.fill('#login-form input[name="customer"]', customer);
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector('#bind:not([hidden])');
}

/** Picks a provider and presses "Add a card". */
export async function startAddingCard(page: Page, provider: 'payture' | 'payonline'): Promise<void> {
  await page.check(`#provider-${provider}`);
  await page.click('#start');
}

/** Starts a PayOnline binding (the page stays, showing the card form); returns the binding's id. */
export async function startPayOnlineBinding(page: Page): Promise<string> {
  await page.check('#provider-payonline');
  const [response] = await Promise.all([
    page.waitForResponse(
      (candidate) => candidate.url().endsWith('/api/bindings') && candidate.request().method() === 'POST',
    ),
    page.click('#start'),
  ]);
  return BindingEnvelope.parse(await response.json()).binding.id;
}

/** Fills whatever fields the PayOnline form shows (the backend's params decide) and submits it. */
export async function fillPayOnlineForm(page: Page, card: CardDetails): Promise<string[]> {
  await page.waitForSelector('#card-form');
  const fields = await page.$$eval('#card-form input', (inputs) =>
    inputs.map((input) => input.getAttribute('name') ?? ''),
  );
  const values: Record<string, string> = {
    number: card.number,
    expires: `${card.expires.slice(0, 2)}/${card.expires.slice(2)}`,
    cvv: card.cvv,
    name: card.holder,
    mail: 'customer@example.com',
    country: 'RU',
    phone: '+7 900 000 00 00',
  };
  for (const field of fields) await page.fill(`#card-${field}`, values[field] ?? '');
  await page.click('#card-submit');
  return fields;
}

/** Waits until the status line says the flow ended (success or failure) and returns it. */
export async function finalStatus(page: Page, timeout = 20_000): Promise<{ kind: string; text: string }> {
  const status = page.locator('#status[data-kind="success"], #status[data-kind="failure"]');
  await status.waitFor({ timeout });
  return { kind: (await status.getAttribute('data-kind')) ?? '', text: (await status.textContent()) ?? '' };
}
