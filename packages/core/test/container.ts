import { Container } from 'inversify';
import {
  bindCardBindingProvider,
  cardBindingModule,
  type CardBindingModuleOptions,
  CardBindingService,
  type CardBindingProvider,
} from '../src/index.js';
import { ContainerModule } from 'inversify';

/** A real container with core's module and the given providers. */
export function containerWith(providers: CardBindingProvider[], options: CardBindingModuleOptions = {}) {
  const container = new Container();
  container.load(
    cardBindingModule(options),
    ...providers.map(
      (provider) => new ContainerModule((load) => bindCardBindingProvider(load, provider.id, () => provider)),
    ),
  );
  return { container, service: container.get(CardBindingService) };
}
