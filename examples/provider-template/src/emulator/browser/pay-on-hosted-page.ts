import type { TestCard } from '@cardbind/testing/emulators';

/**
 * The customer's browser on ToyPay's hosted page, over real HTTP: open the page, submit the card, and
 * follow the redirect back to the host's return URL.
 */
export async function payOnHostedPage(pageUrl: string, card: TestCard): Promise<URL> {
  const page = await fetch(pageUrl);
  if (page.status !== 200) throw new Error(`the hosted page answered ${page.status}`);
  const submitted = await fetch(pageUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ number: card.number, exp: card.expires, cvc: card.cvv, holder: card.holder }),
    redirect: 'manual',
  });
  const location = submitted.headers.get('location');
  if (submitted.status !== 303 || location === null)
    throw new Error(`the hosted page answered ${submitted.status}`);
  const back = new URL(location);
  await (await fetch(back)).text();
  return back;
}
