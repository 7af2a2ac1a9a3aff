import type { z } from 'zod';

type JsonValue = z.core.util.JSONType;

/**
 * `value` as `JSON.parse(JSON.stringify(value))` gives it, for the plain data a binding holds (strings,
 * finite numbers, booleans, null, Dates, arrays, plain objects): Dates become ISO strings, `undefined`
 * properties are left out, `undefined` in an array becomes null. The round trip through a string was
 * the largest cost of writing a transition's event (docs/performance.md, scenario 1 with listeners);
 * anything else (a class instance, a `toJSON` of its own) still takes it, so the result is the same.
 */
export function jsonSnapshot(value: unknown): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value.toJSON();
  if (Array.isArray(value)) return value.map((item: unknown) => jsonSnapshot(item) ?? null);
  if (typeof value !== 'object' || !isPlainData(value)) {
    // Functions and symbols are left out, a bigint throws: exactly what JSON.stringify does.
    const text = JSON.stringify(value);
    return text === undefined ? undefined : parseJson(text);
  }
  const snapshot: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) {
    const item = jsonSnapshot(value[key]);
    if (item !== undefined) snapshot[key] = item;
  }
  return snapshot;
}

function isPlainData(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && !('toJSON' in value);
}

function parseJson(text: string): JsonValue {
  const parsed: JsonValue = JSON.parse(text);
  return parsed;
}
