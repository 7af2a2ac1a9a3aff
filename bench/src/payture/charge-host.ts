import 'reflect-metadata/lite';
import { Container } from 'inversify';
import {
  type BindingStore,
  cardBindingModule,
  CardBindingService,
  type ChargeStore,
  ChargeService,
  InMemoryBindingStore,
  InMemoryChargeStore,
} from '@cardbind/core';
import { paytureModule } from '@cardbind/provider-payture';
import type { PaytureEmulator } from '@cardbind/testing/emulators';
import { BENCH_SECRET, type CustomerPool, serviceBinding } from './service-flow.js';

/** What the charging rows charge: RUB in kopecks (the only currency Payture's Pay takes). */
export const BENCH_CHARGE_KOPECKS = 12_611;

/** A host that binds cards and charges them: one container, one store for both. */
export interface PaytureChargeHost {
  bindings: CardBindingService;
  charges: ChargeService;
  store: BindingStore;
}

/** A card to charge: the customer, the store's card id, and Payture's CardId for the direct floor. */
export interface ChargeableCard {
  customerId: string;
  cardId: string;
  token: string;
}

/**
 * A host's container with the Payture provider on the emulator's Pay terminal. With no store it is the
 * in-memory pair (InMemoryBindingStore keeps no charges, so the in-memory ChargeStore is passed next to
 * it); a PostgreSQL store is both at once, as a host deploys it.
 */
export function paytureChargeHost(
  emulator: PaytureEmulator,
  store?: BindingStore & ChargeStore,
): PaytureChargeHost {
  const stores =
    store === undefined
      ? { store: new InMemoryBindingStore(), chargeStore: new InMemoryChargeStore() }
      : { store, chargeStore: store };
  const container = new Container();
  container.load(
    cardBindingModule(stores),
    paytureModule({
      baseUrl: emulator.baseUrl,
      allowLoopbackHttp: true,
      addTerminal: emulator.addTerminal,
      payTerminal: emulator.payTerminal,
      customerCredentials: { secret: BENCH_SECRET },
    }),
  );
  return {
    bindings: container.get(CardBindingService),
    charges: container.get(ChargeService),
    store: stores.store,
  };
}

/** Binds this many concurrently while preparing cards: setup, not measured, so only its length matters. */
const BIND_CONCURRENCY = 8;

/**
 * `count` cards, each bound through the real flow (start → the hosted Add page → finalise) for a new
 * customer, so each is a card's first charge with an empty history and the store holds what a real
 * binding leaves.
 */
export async function bindCards(
  host: PaytureChargeHost,
  emulator: PaytureEmulator,
  customers: CustomerPool,
  count: number,
): Promise<ChargeableCard[]> {
  const ids = customers.take(count);
  const cards: ChargeableCard[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < ids.length) {
      const customerId = ids[next++] ?? '';
      const bindingId = await serviceBinding({ service: host.bindings }, emulator, customerId);
      const card = (await host.store.listCards(customerId)).find((saved) => saved.bindingId === bindingId);
      if (!card) throw new Error(`binding ${bindingId} saved no card`);
      cards.push({ customerId, cardId: card.id, token: card.token });
    }
  };
  await Promise.all(Array.from({ length: BIND_CONCURRENCY }, lane));
  return cards;
}

let idempotencyCounter = 0;

/** One charge through `ChargeService.charge` with a fresh idempotency key; throws unless it succeeded. */
export async function serviceCharge(host: PaytureChargeHost, card: ChargeableCard): Promise<string> {
  const charge = await host.charges.charge({
    customerId: card.customerId,
    cardId: card.cardId,
    amount: { minor: BENCH_CHARGE_KOPECKS, currency: 'RUB' },
    idempotencyKey: `bench-charge-${++idempotencyCounter}`,
  });
  if (charge.status !== 'succeeded') throw new Error(`charge ${charge.id} ended ${charge.status}`);
  return charge.id;
}

/** Takes cards from a list one at a time, failing loudly when a scenario asks for more than it bound. */
export class CardQueue<Card = ChargeableCard> {
  #next = 0;
  constructor(
    private readonly cards: readonly Card[],
    private readonly name: string,
  ) {}

  take(): Card {
    const card = this.cards[this.#next++];
    if (!card) throw new Error(`${this.name}: ran out of bound cards after ${this.cards.length}`);
    return card;
  }

  /** Round-robin over the list instead: for cards charged again and again. */
  cycle(): Card {
    const card = this.cards[this.#next++ % this.cards.length];
    if (!card) throw new Error(`${this.name}: no cards`);
    return card;
  }
}
