import type { ServiceIdentifier } from 'inversify';
import type { CardBindingServiceOptions } from './binding/service-options.js';
import type { CardBindingProvider } from './provider.js';
import type { BindingStore } from './ports/binding-store.js';
import type { Clock } from './ports/clock.js';
import type { IdGenerator } from './ports/id-generator.js';
import type { CardBindingListener } from './ports/listener.js';
import type { Logger } from './ports/logger.js';

// Symbol.for, so that a plugin compiled against another copy of core still meets the same tokens.
export const CARD_BINDING_PROVIDER: ServiceIdentifier<CardBindingProvider> = Symbol.for(
  'cardbind.CardBindingProvider',
);
export const CARD_BINDING_LISTENER: ServiceIdentifier<CardBindingListener> = Symbol.for(
  'cardbind.CardBindingListener',
);
export const BINDING_STORE: ServiceIdentifier<BindingStore> = Symbol.for('cardbind.BindingStore');
export const CLOCK: ServiceIdentifier<Clock> = Symbol.for('cardbind.Clock');
export const ID_GENERATOR: ServiceIdentifier<IdGenerator> = Symbol.for('cardbind.IdGenerator');
/** The container's logger, already wrapped in redaction. */
export const LOGGER: ServiceIdentifier<Logger> = Symbol.for('cardbind.Logger');
export const CARD_BINDING_OPTIONS: ServiceIdentifier<CardBindingServiceOptions> =
  Symbol.for('cardbind.Options');

/** A marker bound once per provider id, so a second provider with the same id fails at load. */
export function providerIdMarker(id: string): ServiceIdentifier<string> {
  return Symbol.for(`cardbind.provider-id.${id}`);
}
