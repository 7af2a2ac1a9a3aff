/**
 * Whether two values read from a store are the same data: what JSON would carry, with dates compared
 * by their millisecond and a property holding `undefined` treated as absent (a database column that
 * is NULL comes back as a missing optional field). Arrays keep their order; object keys do not matter.
 */
export function sameValue(actual: unknown, expected: unknown): boolean {
  return canonical(actual) === canonical(expected);
}

function canonical(value: unknown): string {
  return JSON.stringify(normalise(value)) ?? 'undefined';
}

function normalise(value: unknown): unknown {
  if (value instanceof Date)
    return { $date: Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString() };
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, item]) => [key, normalise(item)]),
    );
  }
  return value;
}

/** How `actual` differs from `expected` (under sameValue's rules), naming the first differing path. */
export function difference(actual: unknown, expected: unknown, label: string): string | undefined {
  return firstDifference(normalise(actual), normalise(expected), label);
}

function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (canonicalOfNormalised(a) === canonicalOfNormalised(b)) return undefined;
  if (isPlainRecord(a) && isPlainRecord(b) && !('$date' in a) && !('$date' in b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(a[key], b[key], `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (const [index, item] of a.entries()) {
      const found = firstDifference(item, b[index], `${path}[${index}]`);
      if (found !== undefined) return found;
    }
  }
  return `${path} is ${show(a)}, expected ${show(b)}`;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function canonicalOfNormalised(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}
