import { ContainerModule, type ContainerModuleLoadOptions } from 'inversify';
import { z } from 'zod';
import { CardBindingService } from './binding/card-binding-service.js';
import { CardBindingWorker } from './work/card-binding-worker.js';
import { ChargeService } from './charge/charge-service.js';
import { ChargeServiceOptions } from './charge/charge-options.js';
import { CHARGE_STORE_METHODS, type ChargeStore } from './ports/charge-store.js';
import { InMemoryChargeStore } from './ports/memory-charge-store.js';
import { CardBindingServiceOptions } from './binding/service-options.js';
import { parseConfig } from './config.js';
import { CardBindingError } from './errors.js';
import type { CardBindingProvider } from './provider.js';
import type { BindingStore } from './ports/binding-store.js';
import { type Clock, systemClock } from './ports/clock.js';
import { type IdGenerator, randomIdGenerator } from './ports/id-generator.js';
import type { CardBindingListener } from './ports/listener.js';
import { type Logger, redactingLogger, silentLogger } from './ports/logger.js';
import { InMemoryBindingStore } from './ports/memory-binding-store.js';
import { WORK_QUEUE_METHODS } from './ports/work-queue.js';
import { Redactor } from './redaction/redact.js';
import { RedactionRules, type RedactionRulesInput } from './redaction/redaction-rules.js';
import {
  BINDING_STORE,
  CARD_BINDING_LISTENER,
  CHARGE_OPTIONS,
  CHARGE_STORE,
  CARD_BINDING_OPTIONS,
  CARD_BINDING_PROVIDER,
  CLOCK,
  ID_GENERATOR,
  LOGGER,
  providerIdMarker,
  REDACTION_RULES,
  REDACTOR,
} from './tokens.js';

const hasMethods =
  <T>(name: string, methods: readonly string[]) =>
  (value: unknown): value is T =>
    typeof value === 'object' &&
    value !== null &&
    methods.every((method) => typeof Reflect.get(value, method) === 'function');

const CardBindingModuleOptions = z.object({
  store: z
    .custom<BindingStore>(
      hasMethods('store', [
        'create',
        'get',
        'update',
        'listAudit',
        'findByIdempotencyKey',
        'findByLookupKey',
        'listCards',
        'getCard',
        'removeCard',
        ...WORK_QUEUE_METHODS,
      ]),
      'must implement BindingStore',
    )
    .optional(),
  /**
   * Where charges live. Default: `store` itself when it implements ChargeStore (the PostgreSQL store
   * does), an in-memory one when `store` is the in-memory default; otherwise charging is off.
   */
  chargeStore: z
    .custom<ChargeStore>(hasMethods('chargeStore', CHARGE_STORE_METHODS), 'must implement ChargeStore')
    .optional(),
  // `prefault`: the defaults are parsed with the host's options, not at import (zod compiles a schema
  // on its first parse), and each parse gets an object of its own.
  charges: ChargeServiceOptions.prefault({}),
  logger: z
    .custom<Logger>(
      hasMethods('logger', ['debug', 'info', 'warn', 'error']),
      'must be a pino-compatible logger',
    )
    .optional(),
  clock: z.custom<Clock>(hasMethods('clock', ['now', 'sleep']), 'must implement Clock').optional(),
  ids: z
    .custom<IdGenerator>(hasMethods('ids', ['bindingId', 'cardId']), 'must implement IdGenerator')
    .optional(),
  listeners: z
    .array(
      z.custom<CardBindingListener>(
        (value) => typeof value === 'object' && value !== null,
        'must be an object',
      ),
    )
    .default([]),
  service: CardBindingServiceOptions.prefault({}),
  /** The host's own secret field names and patterns, on top of the generic ones and the providers'. */
  redaction: RedactionRules.prefault({}),
});
export type CardBindingModuleOptions = z.input<typeof CardBindingModuleOptions>;

/**
 * Binds the service and its ports. Defaults: in-memory store (single process only), system clock,
 * random ids, a silent logger. Every logger is wrapped in redaction before anything uses it.
 */
export function cardBindingModule(input: CardBindingModuleOptions = {}): ContainerModule {
  const options = parseConfig(CardBindingModuleOptions, input, 'cardBindingModule');
  return new ContainerModule(({ bind }) => {
    bind(BINDING_STORE).toConstantValue(options.store ?? new InMemoryBindingStore());
    const chargeStore = options.chargeStore ?? defaultChargeStore(options.store);
    if (chargeStore) bind(CHARGE_STORE).toConstantValue(chargeStore);
    bind(CHARGE_OPTIONS).toConstantValue(options.charges);
    bind(CLOCK).toConstantValue(options.clock ?? systemClock);
    bind(ID_GENERATOR).toConstantValue(options.ids ?? randomIdGenerator);
    // Built at first use, once every provider module has contributed its redaction rules.
    bind(REDACTOR)
      .toDynamicValue(
        (context) =>
          new Redactor([options.redaction, ...context.getAll(REDACTION_RULES, { optional: true })]),
      )
      .inSingletonScope();
    bind(LOGGER)
      .toDynamicValue((context) => redactingLogger(options.logger ?? silentLogger, context.get(REDACTOR)))
      .inSingletonScope();
    bind(CARD_BINDING_OPTIONS).toConstantValue(options.service);
    for (const listener of options.listeners) bind(CARD_BINDING_LISTENER).toConstantValue(listener);
    bind(CardBindingService).toSelf().inSingletonScope();
    bind(ChargeService).toSelf().inSingletonScope();
    bind(CardBindingWorker).toSelf().inSingletonScope();
  });
}

const isChargeStore = hasMethods<ChargeStore>('store', CHARGE_STORE_METHODS);

function defaultChargeStore(store: BindingStore | undefined): ChargeStore | undefined {
  if (store === undefined) return new InMemoryChargeStore();
  return isChargeStore(store) ? store : undefined;
}

/** What a provider factory may take from the container. */
export interface ProviderDependencies {
  /** The container's logger: every line is redacted with the generic, the host's and every provider's rules. */
  logger: Logger;
  clock: Clock;
  /** The same redaction, for text a provider keeps or hands on (pass it to `createHttpClient`). */
  redactor: Redactor;
}

/**
 * Registers a provider from inside a plugin's ContainerModule. The id is declared up front so that a
 * second provider with the same id fails while the container loads, not on first use.
 */
export interface ProviderRegistration {
  /**
   * The provider's secret wire names and patterns (its passwords, keys, tokens, a token named plainly
   * `id` or standing in a URL path). Every log line of the container, HTTP transcripts included, is
   * redacted with them.
   */
  redaction?: RedactionRulesInput;
}

export function bindCardBindingProvider(
  load: Pick<ContainerModuleLoadOptions, 'bind' | 'isBound'>,
  id: string,
  factory: (dependencies: ProviderDependencies) => CardBindingProvider,
  registration: ProviderRegistration = {},
): void {
  const marker = providerIdMarker(id);
  if (load.isBound(marker)) {
    throw new CardBindingError(
      'CONFIG_INVALID',
      `A card binding provider with id "${id}" is already registered`,
      { field: 'id' },
    );
  }
  load.bind(marker).toConstantValue(id);
  if (registration.redaction) {
    load
      .bind(REDACTION_RULES)
      .toConstantValue(parseConfig(RedactionRules, registration.redaction, `${id} redaction`));
  }
  load
    .bind(CARD_BINDING_PROVIDER)
    .toDynamicValue((context) => {
      const provider = factory({
        logger: context.get(LOGGER),
        clock: context.get(CLOCK),
        redactor: context.get(REDACTOR),
      });
      if (provider.id !== id) {
        throw new CardBindingError(
          'CONFIG_INVALID',
          `Provider registered as "${id}" reports id "${provider.id}"`,
          { field: 'id' },
        );
      }
      return provider;
    })
    .inSingletonScope();
}
