import { genericRedactor, type Redactor } from '../redaction/redact.js';

type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

/** The pino calling convention (`logger.info(obj, msg)`), so a pino instance plugs in as it is. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => undefined;
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

const redactingLoggers = new WeakSet<Logger>();

/**
 * Wraps a logger so that every object passes through the redactor (by default the generic rules; the
 * container's adds every provider's) before the host's logger sees it.
 * The silent logger and loggers that already redact come back as they are: redaction scans every
 * string it is given, and paying for it on lines nobody writes, or twice, is measurable
 * (docs/performance.md, scenario 1).
 */
export function redactingLogger(inner: Logger, redactor: Redactor = genericRedactor): Logger {
  if (inner === silentLogger || redactingLoggers.has(inner)) return inner;
  const wrap =
    (fn: LogFn): LogFn =>
    (obj, msg) => {
      const safe = redactor.redact(obj);
      fn.call(
        inner,
        isRecord(safe) ? safe : { value: safe },
        msg === undefined ? undefined : redactor.redactText(msg),
      );
    };
  const redacting: Logger = {
    debug: wrap(inner.debug),
    info: wrap(inner.info),
    warn: wrap(inner.warn),
    error: wrap(inner.error),
  };
  redactingLoggers.add(redacting);
  return redacting;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
