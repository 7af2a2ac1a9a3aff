export {
  startPaytureEmulator,
  ADD_PAGE_ROUTE,
  ACS_ROUTE,
  type PaytureEmulator,
  type PaytureEmulatorOptions,
  type PaytureRequestRecord,
  type PaytureRoute,
  type AddSessionView,
} from './emulator.js';
export {
  PAYTURE_MAGIC_CARDS,
  magicCardBehaviour,
  type MagicCard,
  type MagicCardBehaviour,
  type ChargeBehaviour,
  type AnswerFate,
} from './magic-cards.js';
export type { LedgerEntry, LedgerTotal } from './ledger.js';
export type { PayturePaymentControls, PaymentView, FatefulCommand } from './controls/payments.js';
export {
  completeThreeDSecure,
  type ThreeDSecureAction,
  type TermUrlPost,
} from './browser/complete-three-d-secure.js';
export { completeAddSession, type CardEntry, type AddPageResult } from './browser/complete-add-session.js';
export type {
  PaytureCustomerControls,
  EmulatedCustomerView,
  EmulatedCardView,
  SeedCard,
} from './controls/customers.js';
export type { NotificationRecord, NotificationDelivery } from './notifications.js';
export { VWAPI_COMMANDS, type VwapiCommand } from './routes/commands.js';
export { ADD_FORM_FIELDS } from './pages/add-page.js';
export { decodeData } from './request.js';
export type { PaytureOperation, PaytureOperationKind } from './operations.js';
