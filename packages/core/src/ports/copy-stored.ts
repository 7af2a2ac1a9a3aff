/**
 * A deep copy of what the in-memory stores hold (records, cards, audit rows, work items: plain objects,
 * arrays, Dates and primitives), with the result `structuredClone` gives. `structuredClone` serialises
 * and deserialises through V8's value serialiser, about 6 µs for a binding record; walking the plain
 * data is about 1.3 µs, and the in-memory store copies on every read and write (docs/performance.md,
 * scenario 1). Anything not plain data (a Map, a Buffer, a class instance) is left to `structuredClone`.
 */
export function copyStored<T>(value: T): T;
// The overload keeps each caller's type, as `structuredClone`'s own declaration does: the walk below
// rebuilds the same shape, which no type can spell for every T.
export function copyStored(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => copyStored(item));
  if (value instanceof Date) return new Date(value.getTime());
  if (!isPlainObject(value)) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = copyStored(value[key]);
  return copy;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
