import { bindCardBindingProvider, createHttpClient, parseConfig } from '@cardbind/core';
import { ContainerModule } from 'inversify';
import { PAYTURE_REDACTION } from './redaction.js';
import { PaytureConfig, type PaytureConfigInput } from './config.js';
import { PAYTURE_PROVIDER_ID, PaytureProvider } from './payture-provider.js';

/**
 * The Payture provider as an inversify ContainerModule. The configuration is parsed here, so a bad one
 * fails with CONFIG_INVALID (naming the field, never the value) before any container loads it.
 */
export function paytureModule(input: PaytureConfigInput): ContainerModule {
  const config = parseConfig(PaytureConfig, input, 'paytureModule');
  return new ContainerModule((load) =>
    bindCardBindingProvider(
      load,
      PAYTURE_PROVIDER_ID,
      ({ logger, redactor }) => {
        const http = createHttpClient({
          name: PAYTURE_PROVIDER_ID,
          logger,
          redactor,
          timeouts: config.timeouts,
          retries: config.retries,
        });
        return new PaytureProvider(config, { http, logger });
      },
      { redaction: PAYTURE_REDACTION },
    ),
  );
}
