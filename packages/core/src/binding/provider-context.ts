import type { ProviderContext, ProviderTrigger } from '../provider.js';
import type { BindingRecord } from './binding.js';

/** What a provider is told about a stored binding when the service asks it something. */
export function providerContext(
  record: BindingRecord,
  now: Date,
  trigger: ProviderTrigger,
  query?: Record<string, string>,
): ProviderContext {
  return {
    bindingId: record.id,
    customer: record.customer,
    status: record.status,
    providerRef: record.providerRef,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    now,
    trigger,
    ...(query === undefined ? {} : { query }),
  };
}
