import type { Logger } from '@cardbind/core';
import { searchableText } from './searchable-text.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface CapturedLogLine {
  readonly level: LogLevel;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

export interface CapturedRecord {
  /** Where the value came from, e.g. `error: finalise under reset` or `binding after success`. */
  readonly label: string;
  readonly value: unknown;
}

/** One place a secret could show up, with the text a reader of that place would see. */
export interface CapturedPlace {
  readonly where: string;
  readonly text: string;
}

/**
 * Everything a flow showed the outside world. Pass `logger` to `cardBindingModule({ logger })`: the
 * service's audit lines and every provider's HTTP transcript (createHttpClient logs it at debug) land
 * here. `record` keeps thrown errors, bindings and card lists; `track` does it around a call.
 */
export interface CapturedFlow {
  /** A pino-compatible logger that keeps every call, debug included. */
  readonly logger: Logger;
  readonly logs: readonly CapturedLogLine[];
  /** The log lines that carry an HTTP transcript entry (`{ transcript: {...} }`), in order. */
  readonly transcript: readonly Readonly<Record<string, unknown>>[];
  readonly records: readonly CapturedRecord[];
  record(label: string, value: unknown): void;
  /** Runs `work`, records what it returned or threw under `label`, and passes the result on. */
  track<T>(label: string, work: Promise<T> | (() => Promise<T>)): Promise<T>;
  /** Every log line and record as searchable text, each named. */
  places(): CapturedPlace[];
  /** All places joined: for a quick `toContain`. */
  text(): string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects the logs, transcript, thrown errors and serialised bindings of a flow. */
export function captureFlow(): CapturedFlow {
  const logs: CapturedLogLine[] = [];
  const records: CapturedRecord[] = [];
  const log =
    (level: LogLevel) =>
    (fields: Record<string, unknown>, message?: string): void => {
      logs.push({ level, fields, ...(message === undefined ? {} : { message }) });
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

  const places = (): CapturedPlace[] => [
    ...logs.map((line, index) => ({
      // The message itself may hold the secret: the place is named by number and level only.
      where: `log line #${index + 1} (${line.level})`,
      text: `${line.message ?? ''}\n${searchableText(line.fields)}`,
    })),
    ...records.map((record) => ({ where: `record "${record.label}"`, text: searchableText(record.value) })),
  ];

  return {
    logger,
    logs,
    records,
    get transcript() {
      return logs.flatMap((line) => {
        const entry = line.fields['transcript'];
        return isRecord(entry) ? [entry] : [];
      });
    },
    record(label, value) {
      records.push({ label, value });
    },
    async track(label, work) {
      try {
        const result = await (typeof work === 'function' ? work() : work);
        records.push({ label, value: result });
        return result;
      } catch (error) {
        records.push({ label: `${label} (thrown)`, value: error });
        throw error;
      }
    },
    places,
    text: () =>
      places()
        .map((place) => `${place.where}: ${place.text}`)
        .join('\n'),
  };
}
