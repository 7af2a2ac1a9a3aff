export { toyPayModule } from './module.js';
export { ToyPayConfig, type ToyPayConfigInput } from './config.js';
export { TOYPAY_PROVIDER_ID, ToyPayProvider, type ToyPayDependencies } from './toypay-provider.js';
export { ToyPayRef } from './ref.js';
export { declineFrom, rejectionFrom, chargeAdviceFor } from './errors.js';
export { ToyPayCharging } from './charge.js';
export { notificationSignature } from './signature.js';
