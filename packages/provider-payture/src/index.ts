// What a host or a provider author uses. Everything else (client, wire format, card selection,
// credentials, error mapping) is this package's own; its tests import it by relative path.
export { paytureModule } from './module.js';
export { PaytureConfig, CustomerCredentialsConfig, type PaytureConfigInput } from './config.js';
export {
  PaytureProvider,
  PAYTURE_PROVIDER_ID,
  type PaytureProviderDependencies,
} from './payture-provider.js';
export { PaytureRef, PaytureChargeRef } from './ref.js';
export { PAYTURE_REDACTION } from './redaction.js';
