import { redact } from '../redaction/redact.js';

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

/** Wraps a logger so that every object passes through `redact()` before the host's logger sees it. */
export function redactingLogger(inner: Logger): Logger {
  const wrap =
    (fn: LogFn): LogFn =>
    (obj, msg) => {
      const safe = redact(obj);
      fn.call(inner, isRecord(safe) ? safe : { value: safe }, msg);
    };
  return {
    debug: wrap(inner.debug),
    info: wrap(inner.info),
    warn: wrap(inner.warn),
    error: wrap(inner.error),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
