import { Container } from 'inversify';
import { cardBindingModule, CardBindingService } from '@cardbind/core';
import { paytureModule } from '@cardbind/provider-payture';
import { completeAddSession, startPaytureEmulator, TEST_CARDS } from '@cardbind/testing/emulators';

// Payture's vwapi as a real HTTP server on 127.0.0.1: no account, no network.
const payture = await startPaytureEmulator();

const container = new Container();
container.load(
  cardBindingModule(), // the in-memory store: one process, gone on exit (production: @cardbind/store-postgres)
  paytureModule({
    baseUrl: payture.baseUrl, // in real life https://sandbox3.payture.com and your Add terminal
    allowLoopbackHttp: true, // only because the emulator speaks plain http on loopback
    addTerminal: payture.addTerminal,
    terminalPassword: payture.terminalPassword,
    customerCredentials: { secret: 'a long random key that derives customer passwords' },
  }),
);
const bindings = container.get(CardBindingService);

// 1. Your "add a card" route: start a binding, then send the customer to nextAction.url.
const binding = await bindings.start({
  provider: 'payture',
  customer: { id: 'user-42', ip: '203.0.113.7' },
  returnUrl: 'https://shop.example/cards/return', // where Payture sends the customer back
});
if (binding.nextAction?.type !== 'redirect') throw new Error('Payture always answers with a redirect');

// 2. The customer types a card on Payture's page (here: what their browser does, over real HTTP).
const page = await completeAddSession(binding.nextAction.url, { number: TEST_CARDS.success.number });
console.log('back at', page.location); // https://shop.example/cards/return?binding=bnd_…&orderid=…&success=True

// 3. Your return route: finalise asks Payture's GetList (never the URL's `success`) and saves the card.
const done = await bindings.finalise(binding.id, { customerId: 'user-42' });
console.log(done.status, done.card?.display); // succeeded { maskedPan: '411111******1111', holder: …, expiry: …, brand: 'Visa' }

await payture.close();
