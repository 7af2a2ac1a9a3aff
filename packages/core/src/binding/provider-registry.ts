import { CardBindingError } from '../errors.js';
import type { CardBindingProvider } from '../provider.js';

/** The providers a container registered, by id. Two with one id are a configuration error at start-up. */
export class ProviderRegistry {
  readonly #providers = new Map<string, CardBindingProvider>();

  constructor(providers: readonly CardBindingProvider[]) {
    for (const provider of providers) {
      if (this.#providers.has(provider.id)) {
        throw new CardBindingError(
          'CONFIG_INVALID',
          `Two card binding providers have the id "${provider.id}"`,
          {
            field: 'id',
          },
        );
      }
      this.#providers.set(provider.id, provider);
    }
  }

  get ids(): string[] {
    return [...this.#providers.keys()];
  }

  find(id: string): CardBindingProvider | undefined {
    return this.#providers.get(id);
  }

  /** The provider, or PROVIDER_NOT_FOUND. */
  get(id: string): CardBindingProvider {
    const provider = this.#providers.get(id);
    if (!provider) throw providerNotFound(id);
    return provider;
  }
}

export function providerNotFound(id: string): CardBindingError {
  return new CardBindingError('PROVIDER_NOT_FOUND', `No card binding provider with id "${id}"`);
}
