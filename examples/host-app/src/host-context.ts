import type { CardBindingService, ChargeService } from '@cardbind/core';
import type { CustomerSessions } from './http/customer-session.js';
import type { StartRateLimiter } from './http/start-rate-limiter.js';
import type { ClientConfig } from './shared/api-types.js';

/** The page and its assets, held in memory: a handful of files, served without touching the disk. */
export interface PageAssets {
  html: string;
  /** Keyed by file name under /assets/. */
  files: ReadonlyMap<string, { body: string; contentType: string }>;
  contentSecurityPolicy: string;
}

export type { ClientConfig };

/** Everything the routes share. */
export interface HostAppContext {
  service: CardBindingService;
  charges: ChargeService;
  sessions: CustomerSessions;
  startLimiter: StartRateLimiter;
  publicUrl: URL;
  now: () => number;
  client: ClientConfig;
  page: PageAssets;
  /** Where a provider sends the customer back after its own page, if it does. */
  returnUrlFor(provider: string): string | undefined;
  /** Every charge's return page after 3-D Secure, with core's `{chargeId}` placeholder. */
  chargeReturnUrl: string;
}
