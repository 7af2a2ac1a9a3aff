/**
 * Span and metric attribute names: cardbind's own under `cardbind.`, the HTTP ones from OpenTelemetry's
 * semantic conventions for HTTP clients. None of them ever carries a card number, a token or a secret.
 */
export const TelemetryAttributes = {
  bindingId: 'cardbind.binding.id',
  chargeId: 'cardbind.charge.id',
  refundId: 'cardbind.refund.id',
  provider: 'cardbind.provider',
  /** The operation's result: the binding's, charge's or refund's status, or `error` when it threw. */
  outcome: 'cardbind.outcome',
  /** The CardBindingError code of a thrown failure or of a failed binding, charge or refund. */
  errorCode: 'cardbind.error.code',
  providerCode: 'cardbind.provider.code',
  /** The provider's name for an HTTP request (Payture's `Add`), when the provider gives one. */
  command: 'cardbind.command',
  workId: 'cardbind.work.id',
  workKind: 'cardbind.work.kind',
  workAttempt: 'cardbind.work.attempt',
  workStatus: 'cardbind.work.status',
  sweptBindings: 'cardbind.sweep.bindings',
  reconciledCharges: 'cardbind.reconcile.charges',
  reconciledRefunds: 'cardbind.reconcile.refunds',
  errorType: 'error.type',
  httpMethod: 'http.request.method',
  httpStatusCode: 'http.response.status_code',
  httpResendCount: 'http.request.resend_count',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  urlFull: 'url.full',
} as const;

/** The metrics cardbind records, all on the meter named `TELEMETRY_SCOPE`. */
export const TelemetryMetrics = {
  bindingsStarted: 'cardbind.bindings.started',
  bindingsEnded: 'cardbind.bindings.ended',
  chargesStarted: 'cardbind.charges.started',
  chargesEnded: 'cardbind.charges.ended',
  providerRequestDuration: 'cardbind.provider.request.duration',
  workItems: 'cardbind.work.items',
} as const;
