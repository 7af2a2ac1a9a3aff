import { bindCardBindingProvider, createHttpClient, parseConfig } from '@cardbind/core';
import { ContainerModule } from 'inversify';
import { PAYONLINE_REDACTION } from './redaction.js';
import { PayOnlineConfig, type PayOnlineConfigInput } from './config.js';
import { PAYONLINE_PROVIDER_ID, PayOnlineProvider } from './payonline-provider.js';

/**
 * The PayOnline provider as an inversify module. The configuration is checked here, when the host
 * builds its container, so a missing key or an http URL fails with CONFIG_INVALID (naming the field,
 * never the value) before any binding starts.
 */
export function payonlineModule(input: PayOnlineConfigInput): ContainerModule {
  const config = parseConfig(PayOnlineConfig, input, 'payonlineModule');
  return new ContainerModule((load) => {
    bindCardBindingProvider(
      load,
      PAYONLINE_PROVIDER_ID,
      ({ logger, clock, redactor }) => {
        // One client per provider: the container's logger is already redacting, and the transcript
        // goes there at debug level.
        const http = createHttpClient({
          name: PAYONLINE_PROVIDER_ID,
          logger,
          redactor,
          timeouts: config.timeouts,
          retries: config.retries,
        });
        return new PayOnlineProvider(config, { logger, clock, http, redactor });
      },
      { redaction: PAYONLINE_REDACTION },
    );
  });
}
