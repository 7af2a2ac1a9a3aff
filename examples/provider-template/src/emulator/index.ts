// The ToyPay emulator, for the template's tests and for demos (`@cardbind/example-provider-template/
// emulator`). Not part of the provider: `src/index.ts` never imports it.
export {
  startToyPayEmulator,
  type ToyPayEmulator,
  type ToyPayEmulatorOptions,
  type ToyPayCharges,
} from './emulator.js';
export type { ToyPayRoute } from './routes/support.js';
export type { LedgerEntry } from './ledger.js';
export type { NotificationRecord } from './notifications.js';
export { TOYPAY_CHARGE_DECLINE_CARD } from './magic-cards.js';
export { payOnHostedPage } from './browser/pay-on-hosted-page.js';
