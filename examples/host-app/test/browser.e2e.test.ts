import { TEST_CARDS } from '@cardbind/testing';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowserScript } from '../src/browser-bundle.js';
import { launchChromium, saveScreenshot } from './support/chromium.js';
import {
  type CardDetails,
  fillPayOnlineForm,
  finalStatus,
  logIn,
  startAddingCard,
  startPayOnlineBinding,
} from './support/page-actions.js';
import { startTestHost, type TestHost } from './support/test-host.js';

// One browser and two host apps for the whole file: the second has a deadline of a few seconds, for
// the abandoned order. Every test gets its own browser context (cookies, sessionStorage) and customer.
let browser: Browser;
let host: TestHost;
let shortDeadlineHost: TestHost;
let context: BrowserContext | undefined;
/** Content-Security-Policy violations the browser reported on any page of the current test. */
let cspViolations: string[] = [];

const SHORT_DEADLINE_MS = 2_500;

beforeAll(async () => {
  const script = await bundleBrowserScript();
  [browser, host, shortDeadlineHost] = await Promise.all([
    launchChromium(),
    startTestHost({}, { script }),
    startTestHost({ BINDING_DEADLINE_MS: String(SHORT_DEADLINE_MS) }, { script }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([browser?.close(), host?.close(), shortDeadlineHost?.close()]);
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

/** The Payture emulator's hosted Add page, as a customer fills it. */
async function fillPaytureAddPage(page: Page, card: CardDetails): Promise<void> {
  await page.fill('input[name="CardNumber"]', card.number);
  await page.fill('input[name="Expiry"]', `${card.expires.slice(0, 2)}/${card.expires.slice(2)}`);
  await page.fill('input[name="CardHolder"]', card.holder);
  await page.fill('input[name="SecureCode"]', card.cvv);
  await page.click('button[type="submit"]');
}

/** Payture sends the customer back to the shop; a CSP that blocks the way fails here, by name. */
async function backAtTheShop(page: Page): Promise<void> {
  const shop = new URL(host.url).origin;
  await expect
    .poll(() => cspViolations.length > 0 || new URL(page.url()).origin === shop, { timeout: 8_000 })
    .toBe(true);
  expect(cspViolations).toEqual([]);
}

function cardListText(page: Page): Promise<string> {
  return page.locator('#card-list').innerText();
}

describe('the example host app in headless Chromium', () => {
  it('Payture: the customer enters the card on Payture’s page, comes back and sees it saved', async () => {
    const page = await newPage();
    await logIn(page, host.url, 'payture-customer');
    await startAddingCard(page, 'payture');

    // The emulator's hosted Add page: the card is typed there, not on the shop's page.
    await page.waitForURL(/\/vwapi\/Add\?SessionId=/);
    expect(new URL(page.url()).origin).toBe(host.demo.providers.payture?.baseUrl);
    const card = TEST_CARDS.success;
    await fillPaytureAddPage(page, card);

    await backAtTheShop(page);
    const status = await finalStatus(page);
    await saveScreenshot(page, 'payture-success');
    expect(status).toEqual({ kind: 'success', text: 'Card 411111******1111 is saved.' });
    expect(new URL(page.url()).pathname).toBe('/');
    const listed = await cardListText(page);
    expect(listed).toContain('411111******1111');
    expect(listed).not.toContain(card.number);
    expect(await host.demo.host.service.listCards('payture-customer')).toHaveLength(1);
  });

  it('Payture: a card the page refuses comes back as “not added”, and nothing is saved', async () => {
    const page = await newPage();
    await logIn(page, host.url, 'payture-declined');
    await startAddingCard(page, 'payture');
    await page.waitForURL(/\/vwapi\/Add\?SessionId=/);
    await fillPaytureAddPage(page, TEST_CARDS.decline);
    await backAtTheShop(page);

    const status = await finalStatus(page);
    await saveScreenshot(page, 'payture-declined');
    // The customer's return and Payture's CustomerAddFail notification race to end the binding: the
    // notification names the decline, the return only knows no card came.
    expect(status.kind).toBe('failure');
    expect(status.text).toMatch(
      /^The card (was declined\. Please use another card or contact your bank|was not added\. Please try again or use another card)\.$/,
    );
    expect(await host.demo.host.service.listCards('payture-declined')).toEqual([]);
  });

  it('PayOnline: the card form posts straight to the processor; the host never sees the card', async () => {
    const page = await newPage();
    const requests: Request[] = [];
    page.on('request', (request) => requests.push(request));
    await logIn(page, host.url, 'payonline-customer');
    await startAddingCard(page, 'payonline');
    const card = TEST_CARDS.success;
    const fields = await fillPayOnlineForm(page, card);

    const status = await finalStatus(page);
    await saveScreenshot(page, 'payonline-success');
    expect(status.kind).toBe('success');
    expect(status.text).toMatch(/^Card \S*1111 is saved\.$/);
    // Only the fields PayOnline's params ask for (the provider lists no optional ones here).
    expect(fields).toEqual(['name', 'number', 'expires', 'cvv', 'mail', 'country']);
    expect(await cardListText(page)).not.toContain(card.number);

    // The browser sent the card to the processor's origin, and nowhere else.
    const processor = host.demo.providers.payonline?.baseUrl;
    const carrying = requests.filter((request) =>
      `${request.url()} ${request.postData() ?? ''}`.includes(card.number),
    );
    expect(carrying.map((request) => new URL(request.url()).origin)).toEqual([processor]);
    // And the host's own record of every request it received, and its logs, have no trace of it.
    expect(host.requestLog.entries.length).toBeGreaterThan(5);
    expect(host.requestLog.text()).not.toContain(card.number);
    expect(host.logs.text()).not.toContain(card.number);
    expect(host.logs.text()).not.toMatch(/CardCvv=\d/);
  });

  it('PayOnline with 3-D Secure: the bank’s page, back to the shop, progress, the saved card', async () => {
    const page = await newPage();
    await logIn(page, host.url, 'three-ds-customer');
    await startAddingCard(page, 'payonline');
    await fillPayOnlineForm(page, TEST_CARDS.threeDSecure);

    // The emulated bank's ACS, reached by an auto-submitted POST with PaReq, MD and TermUrl.
    const emulator = host.demo.providers.payonline;
    await page.waitForURL((url) => url.toString().startsWith(`${emulator?.baseUrl}/acs/`));
    await page.fill('input[name="code"]', emulator?.otp ?? '');
    await page.click('button[type="submit"]');

    // The term_url completes 3-D Secure and sends the customer back to the page, which polls.
    await page.waitForURL((url) => url.origin === new URL(host.url).origin);
    const status = await finalStatus(page);
    await saveScreenshot(page, 'payonline-3ds-success');
    expect(status.kind).toBe('success');
    expect(status.text).toMatch(/^Card \S*3220 is saved\.$/);
    expect(await cardListText(page)).toMatch(/\*+3220/);
    expect(await host.demo.host.service.listCards('three-ds-customer')).toHaveLength(1);
  });

  it('a declined card is reported clearly and nothing is saved', async () => {
    const page = await newPage();
    await logIn(page, host.url, 'declined-customer');
    const bindingId = await startPayOnlineBinding(page);
    await fillPayOnlineForm(page, TEST_CARDS.decline);

    const status = await finalStatus(page);
    await saveScreenshot(page, 'payonline-declined');
    expect(status.kind).toBe('failure');
    expect(status.text).toMatch(/^The card was declined: .+/);
    expect(await page.locator('#no-cards').isVisible()).toBe(true);
    expect(await host.demo.host.service.listCards('declined-customer')).toEqual([]);
    // The customer can try again at once.
    expect(await page.locator('#start').isEnabled()).toBe(true);
    // PayOnline's signed callback told the host as well: the binding failed with the issuer's code.
    await host.demo.providers.payonline?.callbacksSettled();
    const binding = await host.demo.host.service.get(bindingId, { customerId: 'declined-customer' });
    expect(binding.status).toBe('failed');
    expect(binding.failure?.code).toBe('CARD_DECLINED');
  });

  it('a first visit shows no error in the console; Cancel closes the PayOnline card form', async () => {
    const page = await newPage();
    const refused: string[] = [];
    const consoleErrors: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) refused.push(`${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    // Before anyone logs in, the page asks who is logged in: "nobody" is an answer, not a 401.
    await page.goto(host.url);
    await page.waitForSelector('#login:not([hidden])');
    expect({ refused, consoleErrors }).toEqual({ refused: [], consoleErrors: [] });

    await logIn(page, host.url, 'cancelling-customer');
    await startPayOnlineBinding(page);
    await page.waitForSelector('#card-form');
    await page.click('#card-cancel');
    expect(await page.locator('#card-form-area').isHidden()).toBe(true);
    expect(await page.locator('#status').innerText()).toMatch(/^Cancelled: no card was sent/);
    expect(await page.locator('#start').isEnabled()).toBe(true);
  });

  it('a wrong 3-D Secure code is named as such, and Try again opens a new card form', async () => {
    const page = await newPage();
    await logIn(page, host.url, 'wrong-code-customer');
    await startAddingCard(page, 'payonline');
    await fillPayOnlineForm(page, TEST_CARDS.threeDSecure);
    const emulator = host.demo.providers.payonline;
    await page.waitForURL((url) => url.toString().startsWith(`${emulator?.baseUrl}/acs/`));
    await page.fill('input[name="code"]', `${emulator?.otp ?? ''}9`);
    await page.click('button[type="submit"]');

    await page.waitForURL((url) => url.origin === new URL(host.url).origin);
    const status = await finalStatus(page);
    await saveScreenshot(page, 'payonline-3ds-wrong-code');
    expect(status).toEqual({
      kind: 'failure',
      text: 'Your bank did not accept the confirmation code. Check the code and try again.',
    });
    await page.click('#retry');
    await page.waitForSelector('#card-form');
    expect(await page.locator('#retry').isHidden()).toBe(true);
    expect(await host.demo.host.service.listCards('wrong-code-customer')).toEqual([]);
  });

  it('an order abandoned at the bank’s page is reported failed once the deadline passes', async () => {
    const page = await newPage();
    const target = shortDeadlineHost;
    await logIn(page, target.url, 'abandoning-customer');
    const bindingId = await startPayOnlineBinding(page);
    await fillPayOnlineForm(page, TEST_CARDS.threeDSecure);
    await page.waitForURL((url) => url.pathname === '/acs/');

    // The customer walks away from the bank's page and comes back to the shop.
    await page.goto(target.url);
    await page.locator('#progress-area:not([hidden])').waitFor();
    expect(await page.locator('#status').innerText()).toMatch(/Waiting for the payment system/);

    const status = await finalStatus(page, 15_000);
    await saveScreenshot(page, 'payonline-abandoned');
    expect(status).toEqual({
      kind: 'failure',
      text: 'The card could not be confirmed in time. Please try again; if money was held, it will be returned.',
    });
    expect(await target.demo.host.service.listCards('abandoning-customer')).toEqual([]);
    // The host ended the binding too: it is expired, not left open.
    const binding = await target.demo.host.service.get(bindingId, { customerId: 'abandoning-customer' });
    expect(binding.status).toBe('expired');
    expect(binding.failure?.code).toBe('BINDING_EXPIRED');
  });
});
