import { TEST_CARDS } from '@cardbind/testing/emulators';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Balancer, startBalancer } from './support/balancer.js';
import { launchChromium, saveScreenshot } from './support/chromium.js';
import { type Cluster, startCluster } from './support/cluster.js';
import { HostApi } from './support/host-api.js';
import type { HostProcess } from './support/host-process.js';
import { finalStatus, logIn, startAddingCard } from './support/page-actions.js';

// Two instances behind one public address, as in production: the balancer sends everything to A but
// the customer's return from Payture, which lands on B. Headless Chromium drives the page.
let cluster: Cluster;
let balancer: Balancer;
let browser: Browser;
let a: HostProcess;
let b: HostProcess;

beforeAll(async () => {
  [cluster, balancer, browser] = await Promise.all([startCluster(), startBalancer(), launchChromium()]);
  const behindBalancer = { PUBLIC_URL: balancer.url };
  [a, b] = await Promise.all([cluster.start(behindBalancer), cluster.start(behindBalancer)]);
  balancer.routeBy((request) =>
    (request.url ?? '').startsWith('/payture/return') ? b.listeningUrl : a.listeningUrl,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([browser?.close(), cluster?.close(), balancer?.close()]);
});

async function fillPaytureAddPage(page: Page): Promise<void> {
  const card = TEST_CARDS.success;
  await page.fill('input[name="CardNumber"]', card.number);
  await page.fill('input[name="Expiry"]', `${card.expires.slice(0, 2)}/${card.expires.slice(2)}`);
  await page.fill('input[name="CardHolder"]', card.holder);
  await page.fill('input[name="SecureCode"]', card.cvv);
  await page.click('button[type="submit"]');
}

describe('a browser flow across two instances', () => {
  it('Payture: started on A, back from Payture on B, the card shown by A', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await logIn(page, balancer.url, 'two-instance-browser');
      await startAddingCard(page, 'payture');
      await page.waitForURL(/\/vwapi\/Add\?SessionId=/);
      await fillPaytureAddPage(page);

      const status = await finalStatus(page);
      await saveScreenshot(page, 'two-instances-payture');
      expect(status).toEqual({ kind: 'success', text: 'Card 411111******1111 is saved.' });

      const returnedOnB = b
        .records()
        .filter((record) => record.event === 'binding.transition' && record.to === 'succeeded');
      expect(returnedOnB.map((record) => record.trigger)).toEqual(['return']);
      expect(
        a.records().some((record) => record.event === 'binding.transition' && record.to === 'succeeded'),
      ).toBe(false);
      const cookies = await context.cookies(balancer.url);
      const session = cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
      expect(await new HostApi(a.listeningUrl).cards(session)).toHaveLength(1);
    } finally {
      await context.close();
    }
  });
});
