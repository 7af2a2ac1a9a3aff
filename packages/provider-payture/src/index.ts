export { paytureModule } from './module.js';
export { PaytureConfig, CustomerCredentialsConfig, type PaytureConfigInput } from './config.js';
export {
  PaytureProvider,
  PAYTURE_PROVIDER_ID,
  type PaytureProviderDependencies,
} from './payture-provider.js';
export {
  PaytureClient,
  type PaytureClientOptions,
  type CustomerContact,
  type InitAddSessionInput,
  type InitAddSessionResult,
  type CardList,
} from './commands.js';
export {
  customerCredentials,
  PAYTURE_CREDENTIAL_MAX_LENGTH,
  type CustomerCredentials,
} from './customer-credentials.js';
export { PaytureCard } from './payture-card.js';
export { selectCardToSave, isEligible, type CardSelection } from './select-card-to-save.js';
export { toCardToken, normaliseMaskedPan } from './card-token.js';
export { PaytureRef, parseRef, cardFingerprint } from './ref.js';
export { paytureReturnUrl } from './return-url.js';
export { PaytureNotification, ADD_NOTIFICATIONS } from './notification.js';
export { paytureError, canonicalErrCode, isErrCode } from './errors.js';
export {
  encodeData,
  parseAnswer,
  readAttributes,
  PaytureBoolean,
  type PaytureAnswer,
  type PaytureCommand,
  type DataValue,
} from './wire.js';
export { PAYTURE_REDACTION } from './redaction.js';
