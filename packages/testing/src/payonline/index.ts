export {
  startPayOnlineEmulator,
  type PayOnlineEmulator,
  type PayOnlineEmulatorOptions,
  type PayOnlineRoute,
  type PayOnlineMerchantAccount,
  type EmulatorRequest as PayOnlineRequestRecord,
} from './emulator.js';
export {
  PAYONLINE_TEST_CARDS,
  PAYONLINE_CHARGE_CARDS,
  behaviourOf as payOnlineCardBehaviour,
  chargeBehaviourOf as payOnlineChargeBehaviour,
  payOnlineTestCardSecrets,
  type CardBehaviour as PayOnlineCardBehaviour,
  type ChargeBehaviour as PayOnlineChargeBehaviour,
} from './magic-cards.js';
export type { PayOnlineOrderLedger } from './ledger.js';
export {
  payOnlineSecurityKey,
  signFields as signPayOnlineFields,
  SIGNED_FIELDS as PAYONLINE_SIGNED_FIELDS,
} from './security-key.js';
export { payOnlineDateTime, type CallbackDelivery as PayOnlineCallbackDelivery } from './callbacks.js';
export { readHtmlForm, type ParsedHtmlForm } from './browser/html-form.js';
export type { PayOnlineOperation, PayOnlineOperationKind } from './operations.js';
export type {
  EmulatedTransaction as PayOnlineTransaction,
  EmulatedStatus as PayOnlineTransactionStatus,
} from './state.js';
