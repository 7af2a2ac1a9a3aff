import { PAYONLINE_CHARGE_CARDS, PAYTURE_MAGIC_CARDS, TEST_CARDS } from '@cardbind/testing/emulators';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowserScript } from '../src/browser-bundle.js';
import {
  addCard,
  chargeCard,
  chargeOutcome,
  newestCharge,
  refundNewest,
} from './support/charge-page-actions.js';
import { launchChromium, saveScreenshot } from './support/chromium.js';
import { logIn } from './support/page-actions.js';
import { startTestHost, type TestHost } from './support/test-host.js';

// Charging in the page, in headless Chromium, on both providers' emulators: one browser and one host
// for the file, a browser context (cookies) and a customer per test. Few tests, each a whole story,
// because binding a card through the browser is the slow part.
let browser: Browser;
let host: TestHost;
let context: BrowserContext | undefined;
let cspViolations: string[] = [];

beforeAll(async () => {
  const script = await bundleBrowserScript();
  // The reconciler's first check of a lost answer after 2 s instead of a minute.
  const env = { CHARGE_RECONCILE_AFTER_MS: '2000', WORKER_IDLE_MS: '200' };
  [browser, host] = await Promise.all([launchChromium(), startTestHost(env, { script })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([browser?.close(), host?.close()]);
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  // The page's CSP is strict; a flow that needs something it forbids must fail, not silently stall.
  const violations = cspViolations;
  cspViolations = [];
  expect(violations).toEqual([]);
});

async function newPage(): Promise<Page> {
  context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) {
      cspViolations.push(`${page.url()}: ${message.text()}`);
    }
  });
  return page;
}

/** `RUB 1000` in the emulator's ledger for this charge, whichever provider took it. */
function debitsOf(provider: 'payture' | 'payonline', chargeId: string): number | undefined {
  return provider === 'payture'
    ? host.demo.providers.payture?.debits(chargeId).count
    : host.demo.providers.payonline?.ledger(chargeId).debits;
}

const DECLINING_CARD = {
  payture: PAYTURE_MAGIC_CARDS.chargeInsufficientFunds.number,
  payonline: PAYONLINE_CHARGE_CARDS.insufficientFunds.number,
} as const;

const DECLINE_CODE = { payture: 'ISSUER_LIMIT_AMOUNT_FAIL', payonline: '3/5205' } as const;

describe('charging saved cards in headless Chromium', () => {
  for (const provider of ['payture', 'payonline'] as const) {
    it(`${provider}: a double-clicked charge succeeds once, a refund shows refunded, a decline says why and until when`, async () => {
      const page = await newPage();
      await logIn(page, host.url, `${provider}-charging`);
      await addCard(page, provider, TEST_CARDS.success);

      // A double click: the button is disabled by the first, so one request and one key.
      await chargeCard(page, TEST_CARDS.success.number, { doubleClick: true });
      const charged = await chargeOutcome(page);
      expect(charged).toEqual({
        kind: 'success',
        text: expect.stringMatching(/^Charged 10\.00 ₽ to card \S*1111\.$/),
      });
      const charge = await newestCharge(page);
      expect(charge.status).toBe('succeeded');
      expect(await page.locator('#charge-list li').count()).toBe(1);
      expect(debitsOf(provider, charge.id)).toBe(1);

      await refundNewest(page);
      expect(await chargeOutcome(page)).toEqual({ kind: 'success', text: 'Refunded 10.00 ₽.' });
      expect(await newestCharge(page)).toMatchObject({ status: 'refunded', refunded: 'Refunded 10.00 ₽' });
      await saveScreenshot(page, `${provider}-charge-refunded`);

      const declining = { ...TEST_CARDS.success, number: DECLINING_CARD[provider] };
      await addCard(page, provider, declining);
      await chargeCard(page, declining.number, { amount: '25,50' });
      const declined = await chargeOutcome(page);
      await saveScreenshot(page, `${provider}-charge-declined`);
      expect(declined.kind).toBe('failure');
      expect(declined.text).toMatch(/^The charge of 25\.50 ₽ was declined: .+/);
      const row = await newestCharge(page);
      expect(row.status).toBe('declined');
      // The provider's reason and code, and the earliest retry its advice allows (4 days on).
      expect(row.decline).toContain(`(code ${DECLINE_CODE[provider]})`);
      expect(row.decline).toMatch(/Next attempt: not before .*\d{4}/);
      expect(debitsOf(provider, row.id)).toBe(0);
    });
  }

  it('PayOnline: a charge whose answer was lost shows the indicator until the worker settles it', async () => {
    const page = await newPage();
    await logIn(page, host.url, 'payonline-lost-answer');
    const card = { ...TEST_CARDS.success, number: PAYONLINE_CHARGE_CARDS.lostAnswer.number };
    await addCard(page, 'payonline', card);

    await chargeCard(page, card.number);
    await page.locator('#charge-progress-area:not([hidden])').waitFor();
    expect(await page.locator('#charge-status').innerText()).toMatch(/^Waiting for the bank's answer/);
    expect(await chargeOutcome(page)).toEqual({
      kind: 'success',
      text: expect.stringMatching(/^Charged 10\.00 ₽ to card/),
    });
    expect(await page.locator('#charge-progress-area').isHidden()).toBe(true);
    const charge = await newestCharge(page);
    expect(charge.status).toBe('succeeded');
    expect(debitsOf('payonline', charge.id)).toBe(1);
  });

  it('Payture: a charge that asks for 3-D Secure goes through the bank’s page and comes back succeeded', async () => {
    const page = await newPage();
    await logIn(page, host.url, 'payture-3ds-charging');
    const card = { ...TEST_CARDS.success, number: PAYTURE_MAGIC_CARDS.chargeThreeDSecure.number };
    await addCard(page, 'payture', card);

    await chargeCard(page, card.number);
    // The emulated bank's ACS, reached by a form post with PaReq, MD and TermUrl.
    const emulator = host.demo.providers.payture;
    await page.waitForURL((url) => url.toString().startsWith(`${emulator?.baseUrl}/acs`));
    await page.fill('input[name="code"]', emulator?.otp ?? '');
    await page.click('button[type="submit"]');

    // The bank posts to /charges/:id/3ds, which completes the payment and sends the customer back.
    await page.waitForURL((url) => url.origin === new URL(host.url).origin && url.pathname === '/');
    const outcome = await chargeOutcome(page);
    await saveScreenshot(page, 'payture-charge-3ds');
    expect(outcome).toEqual({ kind: 'success', text: expect.stringMatching(/^Charged 10\.00 ₽ to card/) });
    const charge = await newestCharge(page);
    expect(charge.status).toBe('succeeded');
    expect(debitsOf('payture', charge.id)).toBe(1);
  });
});
