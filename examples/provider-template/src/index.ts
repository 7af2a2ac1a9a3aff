export { toyPayModule } from './module.js';
export { ToyPayConfig, type ToyPayConfigInput } from './config.js';
export { TOYPAY_PROVIDER_ID, ToyPayProvider, type ToyPayDependencies } from './toypay-provider.js';
export { ToyPayRef } from './ref.js';
export { declineFrom, rejectionFrom } from './errors/codes.js';
export { chargeAdviceFor } from './errors/retry-advice.js';
export { ToyPayCharging } from './charging/toypay-charging.js';
export { notificationSignature } from './wire/signature.js';
