import type { ServiceIdentifier } from 'inversify';
import type { CardBindingServiceOptions } from './binding/service-options.js';
import type { CardBindingProvider } from './provider.js';
import type { BindingStore } from './ports/binding-store.js';
import type { ChargeServiceOptions } from './charge/charge-options.js';
import type { ChargeStore } from './ports/charge-store.js';
import type { Clock } from './ports/clock.js';
import type { IdGenerator } from './ports/id-generator.js';
import type { CardBindingListener } from './ports/listener.js';
import type { Logger } from './ports/logger.js';
import type { Redactor } from './redaction/redact.js';
import type { RedactionRules } from './redaction/redaction-rules.js';

// Symbol.for, so that a plugin compiled against another copy of core still meets the same tokens.
export const CARD_BINDING_PROVIDER: ServiceIdentifier<CardBindingProvider> = Symbol.for(
  'cardbind.CardBindingProvider',
);
export const CARD_BINDING_LISTENER: ServiceIdentifier<CardBindingListener> = Symbol.for(
  'cardbind.CardBindingListener',
);
export const BINDING_STORE: ServiceIdentifier<BindingStore> = Symbol.for('cardbind.BindingStore');
/** Where charges and refunds live; the PostgreSQL store serves as both. */
export const CHARGE_STORE: ServiceIdentifier<ChargeStore> = Symbol.for('cardbind.ChargeStore');
export const CHARGE_OPTIONS: ServiceIdentifier<ChargeServiceOptions> = Symbol.for('cardbind.ChargeOptions');
export const CLOCK: ServiceIdentifier<Clock> = Symbol.for('cardbind.Clock');
export const ID_GENERATOR: ServiceIdentifier<IdGenerator> = Symbol.for('cardbind.IdGenerator');
/** The container's logger, already wrapped in redaction. */
export const LOGGER: ServiceIdentifier<Logger> = Symbol.for('cardbind.Logger');
export const CARD_BINDING_OPTIONS: ServiceIdentifier<CardBindingServiceOptions> =
  Symbol.for('cardbind.Options');

/** Multi-bound: each provider's redaction rules, merged into the container logger's redaction. */
export const REDACTION_RULES: ServiceIdentifier<RedactionRules> = Symbol.for('cardbind.RedactionRules');

/** The container's redaction: the generic rules, the host's and every provider's. */
export const REDACTOR: ServiceIdentifier<Redactor> = Symbol.for('cardbind.Redactor');

/** A marker bound once per provider id, so a second provider with the same id fails at load. */
export function providerIdMarker(id: string): ServiceIdentifier<string> {
  return Symbol.for(`cardbind.provider-id.${id}`);
}
