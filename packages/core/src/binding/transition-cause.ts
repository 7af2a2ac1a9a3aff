import type { AuditEntry, TransitionTrigger } from '../audit/audit-entry.js';
import { RequestInfo } from '../audit/request-info.js';
import { parseConfig } from '../config.js';
import type { BindingRecord } from './binding.js';
import type { BindingStatus } from './status.js';

/** Carries the host's request id and source address into the transition's log line and audit row. */
export interface RequestScope {
  requestInfo?: RequestInfo;
}

/** What caused a transition, as its audit row and log line record it. */
export interface TransitionCause {
  trigger: TransitionTrigger;
  requestInfo: RequestInfo;
}

export function causeOf(trigger: TransitionTrigger, scope: RequestScope): TransitionCause {
  const requestInfo =
    scope.requestInfo === undefined ? {} : parseConfig(RequestInfo, scope.requestInfo, 'requestInfo');
  return { trigger, requestInfo };
}

/** The audit row for `record` as it is after the transition from `from`. */
export function auditEntry(
  from: BindingStatus | null,
  record: BindingRecord,
  cause: TransitionCause,
): AuditEntry {
  return {
    bindingId: record.id,
    version: record.version,
    from,
    to: record.status,
    trigger: cause.trigger,
    at: record.updatedAt,
    ...cause.requestInfo,
    ...(record.failure
      ? {
          failureCode: record.failure.code,
          ...(record.failure.providerCode === undefined ? {} : { providerCode: record.failure.providerCode }),
        }
      : {}),
  };
}
