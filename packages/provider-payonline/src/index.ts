export { payonlineModule } from './module.js';
export {
  PayOnlineConfig,
  RequestedField,
  PAYONLINE_BASE_URL,
  ENDPOINTS,
  type PayOnlineConfigInput,
} from './config.js';
export {
  PayOnlineProvider,
  PAYONLINE_PROVIDER_ID,
  type PayOnlineProviderDependencies,
} from './payonline-provider.js';
export { PayOnlineRef } from './ref.js';
export {
  authSecurityKey,
  threeDsSecurityKey,
  searchSecurityKey,
  callbackSecurityKey,
  rebillSecurityKey,
  voidSecurityKey,
  refundSecurityKey,
  securityKeysMatch,
  termUrlToken,
} from './security-key.js';
export {
  readAnswerRecords,
  readOperationAnswer,
  interpretAuthAnswer,
  primaryErrorCode,
  TransactionAnswer,
  FormatError,
  type AnswerRecord,
  type AuthOutcome,
  type OperationAnswer,
} from './answer.js';
export { errorForCodes, declineMessage, providerCodeOf, type PayOnlineCodes } from './codes.js';
export { buildAuthParams } from './form-params.js';
export { orderIdFor } from './order-id.js';
export {
  termUrlFor,
  orderOfTermUrl,
  parseMerchantData,
  threeDsCompletionForm,
  TERM_URL_ORDER_PARAM,
  TERM_URL_TOKEN_PARAM,
} from './three-ds.js';
export {
  verifyNotification,
  assertCallbackFresh,
  parsePayOnlineDateTime,
  Notification,
  isFailureNotification,
} from './callback.js';
export { searchOrder, FoundPayment } from './search.js';
export { voidTransaction } from './void.js';
export {
  escapeHtml,
  autoSubmitCsp,
  AUTO_SUBMIT_SCRIPT,
  AUTO_SUBMIT_SCRIPT_HASH,
  type HtmlForm,
} from './html.js';
export { PAYONLINE_REDACTION } from './redaction.js';
