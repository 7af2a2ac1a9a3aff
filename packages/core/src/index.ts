import 'reflect-metadata/lite';

export {
  CardBindingError,
  CardBindingErrorCode,
  CardBindingFailure,
  type CardBindingErrorOptions,
} from './errors.js';
export { toCardBindingError } from './to-card-binding-error.js';
export { Secret } from './secret.js';
export { parseConfig } from './config.js';
export { passesLuhn } from './luhn.js';
export { FormParam, RedirectAction, FormAction, NextAction } from './next-action.js';
export { CardDisplay, CardToken, SavedCard, CardView, toCardView, maskPan } from './card.js';
export { Customer } from './customer.js';
export {
  ProviderRef,
  ProviderOutcome,
  InitOutcome,
  CallbackRequest,
  CallbackResponse,
  type CardBindingProvider,
  type ProviderInitContext,
  type ProviderContext,
  type ProviderTrigger,
  type ProviderCallbackContext,
  type CallbackResult,
  type RemoveCardContext,
} from './provider.js';
export { BindingStatus } from './binding/status.js';
export { Money, minorDigits, toMajorString, fromMajorString } from './charge/money.js';
export { RetryAdvice } from './charge/retry-advice.js';
export { ChargeStatus, RefundStatus } from './charge/charge-status.js';
export { Charge, ChargeRecord, ChargeFailure, toCharge } from './charge/charge.js';
export { Refund, RefundRecord, toRefund } from './charge/refund.js';
export { ChargeAuditEntry, ChargeTrigger } from './charge/charge-audit.js';
export {
  isChargeSettled,
  canChargeTransition,
  canRefundTransition,
  planChargeTransition,
  chargeFailure,
  type ChargePatch,
  type RefundPatch,
} from './charge/charge-state.js';
export {
  ChargeOutcome,
  ChargeCheckOutcome,
  RefundOutcome,
  RefundCheckOutcome,
  type ChargingOperations,
  type ProviderChargeContext,
  type ProviderChargeStateContext,
  type ProviderChargeActionContext,
  type ProviderRefundContext,
} from './charge/charge-provider.js';
export { InMemoryChargeStore } from './ports/memory-charge-store.js';
export { ChargeService, type ChargeScope, type ReconcileRound } from './charge/charge-service.js';
export { ChargeInput, RefundInput } from './charge/charge-input.js';
export { ChargeServiceOptions, type ChargeServiceOptionsInput } from './charge/charge-options.js';
export { applyChargePatch, applyRefundPatch } from './charge/apply-patch.js';
export {
  type ChargeStore,
  type ChargeCas,
  type ChargeFilter,
  type ChargeUpdateResult,
  type RefundUpdateResult,
  CHARGE_STORE_METHODS,
} from './ports/charge-store.js';
export { Binding, BindingRecord, toBinding } from './binding/binding.js';
export {
  isTerminal,
  canTransition,
  assertTransition,
  planTransition,
  planExpiry,
  TERMINAL_STATUSES,
  type BindingPatch,
  type PlannedTransition,
} from './binding/state.js';
export {
  CardBindingService,
  StartBindingInput,
  type CustomerScope,
  type RequestScope,
  type WaitOptions,
  type CallbackOutcome,
} from './binding/card-binding-service.js';
export { CardBindingServiceOptions } from './binding/service-options.js';
export { PollPolicy, DEFAULT_POLL_POLICY, pollDelay, type PollPolicyInput } from './client/poll-policy.js';
export type { BindingStore, UpdateResult, CreateResult, UpdateWrites } from './ports/binding-store.js';
export { InMemoryBindingStore, type InMemoryBindingStoreOptions } from './ports/memory-binding-store.js';
export { AuditEntry, TransitionTrigger } from './audit/audit-entry.js';
export { RequestInfo } from './audit/request-info.js';
export { WorkItem, NewWorkItem, WorkKind, WorkStatus } from './work/work-item.js';
export { WorkOptions } from './work/work-options.js';
export { type WorkQueue, type ClaimWorkInput, WORK_QUEUE_METHODS } from './ports/work-queue.js';
export { CardBindingWorker, WorkerOptions, type WorkerRound } from './work/card-binding-worker.js';
export { type Clock, systemClock } from './ports/clock.js';
export { type IdGenerator, randomIdGenerator } from './ports/id-generator.js';
export { type Logger, silentLogger, redactingLogger } from './ports/logger.js';
export type { CardBindingListener, BindingTransitionEvent } from './ports/listener.js';
export {
  redact,
  redactText,
  maskPansInText,
  REDACTED,
  Redactor,
  genericRedactor,
} from './redaction/redact.js';
export { RedactionRules, type RedactionRulesInput } from './redaction/redaction-rules.js';
export { fieldTreatment, type FieldTreatment } from './redaction/secret-fields.js';
export {
  createHttpClient,
  HttpTimeouts,
  HttpClientOptions,
  type HttpClient,
  type HttpClientOptionsInput,
  type HttpRequest,
  type HttpResponse,
  type TranscriptEntry,
} from './http/http-client.js';
export {
  BINDING_STORE,
  CARD_BINDING_LISTENER,
  CARD_BINDING_OPTIONS,
  CARD_BINDING_PROVIDER,
  CHARGE_OPTIONS,
  CHARGE_STORE,
  CLOCK,
  ID_GENERATOR,
  LOGGER,
  REDACTION_RULES,
  REDACTOR,
} from './tokens.js';
export {
  cardBindingModule,
  bindCardBindingProvider,
  type CardBindingModuleOptions,
  type ProviderDependencies,
  type ProviderRegistration,
} from './module.js';
export { TelemetryAttributes, TelemetryMetrics } from './telemetry/attribute-names.js';
export { TELEMETRY_SCOPE } from './telemetry/scope.js';
export { WORK_GAUGE_LIMIT } from './telemetry/work-gauge.js';
