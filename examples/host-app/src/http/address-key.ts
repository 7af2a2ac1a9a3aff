import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a source address is counted under by a rate limit. An IPv4 address is one client (or one
 * NAT) and counts as itself, also when it arrives IPv4-mapped (`::ffff:203.0.113.7`). An IPv6
 * subscriber is routinely given a whole /64 and can pick a new address in it for every request, so
 * IPv6 counts by its /64 prefix: per address it would be no limit at all.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  const withoutZone = address.split('%')[0] ?? address;
  if (!isIPv6(withoutZone)) return address;
  const groups = expandIPv6(withoutZone);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, in lowercase hex without leading zeros. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const part = (text: string): string[] => {
    if (text === '') return [];
    const pieces = text.split(':');
    const last = pieces.at(-1) ?? '';
    // An embedded IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) fills the last two groups.
    if (!last.includes('.')) return pieces;
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    return [...pieces.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  };
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}
