import type { Locator, Page } from 'playwright-core';
import { type CardDetails, fillPayOnlineForm, finalStatus, startAddingCard } from './page-actions.js';

/** The Payture emulator's hosted Add page, as a customer fills it. */
export async function fillPaytureAddPage(page: Page, card: CardDetails): Promise<void> {
  await page.fill('input[name="CardNumber"]', card.number);
  await page.fill('input[name="Expiry"]', `${card.expires.slice(0, 2)}/${card.expires.slice(2)}`);
  await page.fill('input[name="CardHolder"]', card.holder);
  await page.fill('input[name="SecureCode"]', card.cvv);
  await page.click('button[type="submit"]');
}

/** Adds a card the way a customer does (Payture's page, or PayOnline's form on the shop's page). */
export async function addCard(
  page: Page,
  provider: 'payture' | 'payonline',
  card: CardDetails,
): Promise<void> {
  await startAddingCard(page, provider);
  if (provider === 'payture') {
    await page.waitForURL(/\/vwapi\/Add\?SessionId=/);
    await fillPaytureAddPage(page, card);
  } else {
    await fillPayOnlineForm(page, card);
  }
  const status = await finalStatus(page);
  if (status.kind !== 'success') throw new Error(`the card was not saved: ${status.text}`);
  await savedCard(page, card.number).waitFor();
}

/** The saved card's row, by the last four digits of its number. */
export function savedCard(page: Page, number: string): Locator {
  return page.locator('#card-list li', { hasText: number.slice(-4) });
}

/** Types the amount into the card's field and presses its Charge button (twice for a double click). */
export async function chargeCard(
  page: Page,
  number: string,
  options: { amount?: string; doubleClick?: boolean } = {},
): Promise<void> {
  const row = savedCard(page, number);
  if (options.amount !== undefined) await row.locator('input.charge-amount').fill(options.amount);
  const button = row.locator('button.charge');
  if (options.doubleClick) await button.dblclick();
  else await button.click();
}

/**
 * Waits until the charges' status line says how a charge ended. The click sets it to "Charging…"
 * (info) at once, so an earlier outcome is never read for this one.
 */
export async function chargeOutcome(page: Page, timeout = 15_000): Promise<{ kind: string; text: string }> {
  const status = page.locator('#charge-status[data-kind="success"], #charge-status[data-kind="failure"]');
  await status.waitFor({ timeout });
  return { kind: (await status.getAttribute('data-kind')) ?? '', text: (await status.textContent()) ?? '' };
}

/** The newest charge in the list: its id, status text, refunded line and decline reason. */
export async function newestCharge(
  page: Page,
): Promise<{ id: string; status: string; refunded: string; decline: string }> {
  const item = page.locator('#charge-list li').first();
  await item.waitFor();
  const text = async (selector: string) => {
    const found = item.locator(selector);
    return (await found.count()) === 0 ? '' : ((await found.textContent()) ?? '');
  };
  return {
    id: (await item.getAttribute('data-charge')) ?? '',
    status: await text('.charge-status'),
    refunded: await text('.refunded'),
    decline: await text('.decline'),
  };
}

/** Presses the newest charge's Refund (all that is left, or `amount`). */
export async function refundNewest(page: Page, amount?: string): Promise<void> {
  const item = page.locator('#charge-list li').first();
  if (amount !== undefined) await item.locator('input.refund-amount').fill(amount);
  await item.locator('button.refund').click();
}
