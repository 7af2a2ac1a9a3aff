import { randomBytes } from 'node:crypto';
import {
  type Charge,
  CHARGE_OPTIONS,
  type ChargeRecord,
  type ChargeServiceOptions,
  type Money,
  type ProviderChargeStateContext,
  type SavedCard,
} from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import { type Harness, type ScenarioDriver, withHarness } from '../harness.js';
import {
  CHARGING_CASES,
  type ChargingCase,
  type ChargingOptions,
  type ConformanceBackend,
  type ConformanceCase,
  type ConformanceOptions,
} from '../options.js';
import { describeBinding } from './support.js';

export const DEFAULT_CHARGE_AMOUNT: Money = { minor: 1000, currency: 'RUB' };

/** Rounds of `refresh` a charge the provider answered `pending` gets before a case gives up on it. */
const SETTLE_ROUNDS = 3;
/** Rounds of the reconciler a case runs before it takes the charges as they stand. */
const RECONCILE_ROUNDS = 4;

const CHARGING: ReadonlySet<string> = new Set(CHARGING_CASES);

/**
 * What a case needs that the options do not declare, e.g. `charging.refunds`; undefined when it can
 * run. Binding cases always can.
 */
export function undeclaredFor<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
  name: ConformanceCase,
): string | undefined {
  if (!CHARGING.has(name)) return undefined;
  const charging = options.charging;
  if (!charging) return 'charging';
  if (name === 'chargeDecline' && !charging.bindDecliningCard) return 'charging.bindDecliningCard';
  if (name === 'chargeLostAnswer' && !charging.loseChargeAnswer) return 'charging.loseChargeAnswer';
  if (name === 'refunds' && charging.refunds !== true) return 'charging.refunds';
  return undefined;
}

export function describeCharge(charge: Pick<Charge, 'status' | 'failure'>): string {
  if (!charge.failure) return charge.status;
  const raw =
    charge.failure.providerCode === undefined ? '' : `, provider code ${charge.failure.providerCode}`;
  return `${charge.status} (${charge.failure.code}${raw})`;
}

/** What the charging cases do with a harness: bind, charge, read the ledger, run the reconciler. */
export interface ChargingKit<B extends ConformanceBackend> {
  readonly charging: ChargingOptions<B>;
  readonly amount: Money;
  readonly chargeOptions: ChargeServiceOptions;
  /** Binds a card through `driver` (default `scenarios.succeed`) and returns it, token included. */
  bindCard(driver?: ScenarioDriver<B>): Promise<SavedCard>;
  /** Charges `card` through the container's ChargeService (or `via`), recording the result. */
  charge(card: SavedCard, idempotencyKey: string, via?: Harness<B>['charges']): Promise<Charge>;
  /** A charge the provider answered `pending`, asked about with `refresh` until it settles. */
  settle(charge: Charge): Promise<Charge>;
  record(chargeId: string): Promise<ChargeRecord>;
  /** The order ids of every debit at the backend, from its ledger. */
  debits(): Promise<readonly string[]>;
  /** Checks that the ledger holds `forOrder` debits for `orderId` and `total` debits in all. */
  expectDebits(what: string, orderId: string, forOrder: number, total: number): Promise<void>;
  /** Moves the clock past every reconcile deadline (not-found grace included) and runs the reconciler. */
  reconcile(): Promise<void>;
  /** What the service would hand the provider about `record` now (for direct checks and refunds). */
  stateContext(record: ChargeRecord, card: SavedCard): ProviderChargeStateContext;
}

/** An order id in the service's own shape that no charge ever used. */
export function unusedOrderId(): string {
  return `ch_${randomBytes(16).toString('base64url')}`;
}

/**
 * Runs a charging case in a fresh harness: refuses to run one the options do not declare (the
 * describe skips those), and checks first that the provider has the operations it declared.
 */
export async function withCharging<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
  name: ChargingCase,
  body: (h: Harness<B>, kit: ChargingKit<B>) => Promise<void>,
): Promise<void> {
  const missing = undeclaredFor(options, name);
  const charging = options.charging;
  if (missing !== undefined || !charging) {
    throw new TypeError(`[${name}] not declared: give options.${missing ?? 'charging'} to run this case`);
  }
  const amount = charging.amount ?? DEFAULT_CHARGE_AMOUNT;
  if (amount.minor < 2) throw new TypeError('charging.amount must be at least 2 minor units');
  await withHarness(options, name, async (h) => {
    const provider = h.provider();
    conform(
      name,
      provider.charge !== undefined && provider.checkCharge !== undefined,
      'charging is declared but the provider lacks charge or checkCharge: the service charges only with both (no charge is safe without a way to ask about a lost answer)',
    );
    conform(
      name,
      charging.refunds !== true || provider.refund !== undefined,
      'charging.refunds is declared but the provider has no refund',
    );
    const chargeOptions = h.container.get(CHARGE_OPTIONS);
    const kit: ChargingKit<B> = {
      charging,
      amount,
      chargeOptions,
      bindCard: async (driver = (ctx) => options.scenarios.succeed(ctx)) => {
        const started = await h.start();
        await h.runScenario(driver, started);
        const done = await h.complete(started.id);
        conform(
          name,
          done.status === 'succeeded' && done.card !== undefined,
          () => `binding the card to charge gave ${describeBinding(done)}, not succeeded with a card`,
        );
        const card = await h.store.getCard(done.card.id);
        conform(name, card !== undefined, 'the bound card is not in the store');
        return card;
      },
      charge: (card, idempotencyKey, via = h.charges) =>
        h.capture.track(`charge ${idempotencyKey}`, () =>
          via.charge({
            customerId: card.customerId,
            cardId: card.id,
            amount,
            idempotencyKey,
            description: 'cardbind conformance charge',
            providerOptions: { ...charging.providerOptions },
            // A 3-D Secure page would come back here; the suite never completes one.
            returnUrl: `${h.env.returnUrl}/charges/{chargeId}`,
          }),
        ),
      settle: async (charge) => {
        let current = charge;
        for (let round = 0; round < SETTLE_ROUNDS && current.status === 'processing'; round++) {
          await h.clock.advance(chargeOptions.reconcileIntervalMs);
          // A failed check leaves the charge as it was: the case then judges what it sees.
          current = await h.charges.refresh(current.id).catch(() => current);
        }
        return current;
      },
      record: async (chargeId) => {
        const record = await h.chargeStore.getCharge(chargeId);
        conform(name, record !== undefined, `charge ${chargeId} vanished from the charge store`);
        return record;
      },
      debits: async () => [...(await charging.debits({ backend: h.backend }))],
      expectDebits: async (what, orderId, forOrder, total) => {
        const debits = await kit.debits();
        const ofOrder = debits.filter((id) => id === orderId).length;
        conform(
          name,
          ofOrder === forOrder && debits.length === total,
          () =>
            `${what}: the gateway's ledger holds ${ofOrder} debit(s) for order id ${orderId} ` +
            `and ${debits.length} in all, not ${forOrder} and ${total}` +
            (debits.length > ofOrder && ofOrder < forOrder
              ? '. Send ctx.orderId, the order id the service fixed before the call: the reconciler asks about that order'
              : debits.length > total
                ? '. Never send a debit again, under any order id: a lost answer is for checkCharge to ask about'
                : ''),
        );
      },
      reconcile: async () => {
        const step =
          Math.max(chargeOptions.reconcileAfterMs, chargeOptions.notFoundAfterMs) +
          chargeOptions.reconcileMaxIntervalMs;
        for (let round = 0; round < RECONCILE_ROUNDS; round++) {
          await h.clock.advance(step);
          const done = await h.charges.reconcileDue();
          if (done.charges === 0 && done.refunds === 0) return;
        }
      },
      stateContext: (record, card) => ({
        chargeId: record.id,
        orderId: record.orderId,
        customerId: record.customerId,
        card,
        amount: record.amount,
        ...(record.description === undefined ? {} : { description: record.description }),
        ...(record.returnUrl === undefined ? {} : { returnUrl: record.returnUrl }),
        providerOptions: record.providerOptions,
        now: h.clock.now(),
        status: record.status,
        providerRef: record.providerRef,
        createdAt: record.createdAt,
      }),
    };
    await body(h, kit);
  });
}
