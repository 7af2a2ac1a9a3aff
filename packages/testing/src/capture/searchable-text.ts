import { inspect } from 'node:util';

/**
 * Everything a value can show the outside world, as one string to search: its JSON (what a host
 * serialises and sends), and `util.inspect` with hidden properties (what a logger or a crash report
 * prints: an error's stack, non-enumerable `cause` chain and extra properties included).
 */
export function searchableText(value: unknown): string {
  const parts: string[] = [];
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) parts.push(json);
  } catch {
    // Circular or BigInt values have no JSON form; inspect below still shows them.
  }
  parts.push(inspect(value, { depth: 12, showHidden: true, breakLength: Infinity, maxStringLength: null }));
  for (const error of errorChain(value)) {
    if (error.stack !== undefined) parts.push(error.stack);
  }
  return parts.join('\n');
}

function errorChain(value: unknown): Error[] {
  const chain: Error[] = [];
  let current: unknown = value;
  while (current instanceof Error && chain.length < 10 && !chain.includes(current)) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}
