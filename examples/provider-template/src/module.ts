import { bindCardBindingProvider, createHttpClient, parseConfig } from '@cardbind/core';
import { ContainerModule } from 'inversify';
import { TOYPAY_REDACTION } from './redaction.js';
import { ToyPayConfig, type ToyPayConfigInput } from './config.js';
import { TOYPAY_PROVIDER_ID, ToyPayProvider } from './toypay-provider.js';

/**
 * The ToyPay provider as an inversify ContainerModule. The configuration is parsed here, when the
 * host calls `toyPayModule(...)`, so a bad one fails with CONFIG_INVALID naming the field (never its
 * value) before any container loads it.
 */
export function toyPayModule(input: ToyPayConfigInput): ContainerModule {
  const config = parseConfig(ToyPayConfig, input, 'toyPayModule');
  return new ContainerModule((load) =>
    bindCardBindingProvider(
      load,
      TOYPAY_PROVIDER_ID,
      ({ logger, redactor }) => {
        // The container's logger is already redacting; the client logs its transcript there at debug.
        const http = createHttpClient({
          name: TOYPAY_PROVIDER_ID,
          logger,
          redactor,
          timeouts: config.timeouts,
          retries: config.retries,
        });
        return new ToyPayProvider(config, { http, logger });
      },
      { redaction: TOYPAY_REDACTION },
    ),
  );
}
