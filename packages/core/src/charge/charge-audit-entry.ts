import type { RequestInfo } from '../audit/request-info.js';
import type { ChargeAuditEntry, ChargeTrigger } from './charge-audit.js';
import type { ChargeRecord } from './charge.js';
import type { RefundRecord } from './refund.js';

/** What caused a charge or refund transition, as its audit row and log line record it. */
export interface ChargeCause {
  trigger: ChargeTrigger;
  requestInfo: RequestInfo;
}

/** The audit row for a charge as it is after the step from `from`. */
export function chargeAudit(from: string | null, record: ChargeRecord, cause: ChargeCause): ChargeAuditEntry {
  return {
    chargeId: record.id,
    subject: 'charge',
    subjectId: record.id,
    version: record.version,
    from,
    to: record.status,
    trigger: cause.trigger,
    at: record.updatedAt,
    ...cause.requestInfo,
    ...failureFields(record.failure),
  };
}

export function refundAudit(from: string | null, record: RefundRecord, cause: ChargeCause): ChargeAuditEntry {
  return {
    chargeId: record.chargeId,
    subject: 'refund',
    subjectId: record.id,
    version: record.version,
    from,
    to: record.status,
    trigger: cause.trigger,
    at: record.updatedAt,
    ...cause.requestInfo,
    ...failureFields(record.failure),
  };
}

function failureFields(
  failure: { code: ChargeAuditEntry['failureCode']; providerCode?: string | undefined } | undefined,
): Pick<ChargeAuditEntry, 'failureCode' | 'providerCode'> {
  if (!failure) return {};
  return {
    ...(failure.code === undefined ? {} : { failureCode: failure.code }),
    ...(failure.providerCode === undefined ? {} : { providerCode: failure.providerCode }),
  };
}
