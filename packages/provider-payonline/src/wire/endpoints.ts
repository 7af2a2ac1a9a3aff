import type { PayOnlineConfig } from '../config.js';

/** PayOnline's API methods, each under the configured `baseUrl`. */
export const ENDPOINTS = {
  auth: '/payment/transaction/auth/',
  auth3ds: '/payment/transaction/auth/3ds/',
  search: '/payment/search/',
  void: '/payment/transaction/void/',
  rebill: '/payment/transaction/rebill/',
  refund: '/payment/transaction/refund/',
} as const;
export type PayOnlineMethod = keyof typeof ENDPOINTS;

/** A method's URL: the base URL without its trailing slashes, then the method's path. */
export function endpoint(config: Pick<PayOnlineConfig, 'baseUrl'>, method: PayOnlineMethod): string {
  return `${config.baseUrl.replace(/\/+$/, '')}${ENDPOINTS[method]}`;
}
