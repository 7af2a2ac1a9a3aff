// What a host or a provider author uses; the app's side of the flow is the `./client` entry. Everything
// else (wire answers, security keys, 3-D Secure, callbacks) is this package's own; its tests import it by
// relative path.
export { payonlineModule } from './module.js';
export { PayOnlineConfig, RequestedField, PAYONLINE_BASE_URL, type PayOnlineConfigInput } from './config.js';
export {
  PayOnlineProvider,
  PAYONLINE_PROVIDER_ID,
  type PayOnlineProviderDependencies,
} from './payonline-provider.js';
export { PayOnlineRef } from './ref.js';
export { PAYONLINE_REDACTION } from './redaction.js';
