const MASK = '***';
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');
const values = new WeakMap<Secret, string>();

/**
 * A secret value that cannot be printed by accident: `String()`, template strings, `JSON.stringify`
 * and `util.inspect` all see `***`. The value lives in a module-private WeakMap, not on the object,
 * so even `Object.entries`, structuredClone or a logger walking properties finds nothing.
 * Call `reveal()` only at the point where the value goes on the wire.
 */
export class Secret {
  constructor(value: string) {
    values.set(this, value);
  }

  reveal(): string {
    const value = values.get(this);
    if (value === undefined) throw new TypeError('Secret was copied; secrets cannot be cloned');
    return value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspectSymbol](): string {
    return `Secret(${MASK})`;
  }

  static of(value: string | Secret): Secret {
    return value instanceof Secret ? value : new Secret(value);
  }
}
