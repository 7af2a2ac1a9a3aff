/** How a secret may look once it went through the encodings of a provider's wire and a log line. */
export interface SecretForm {
  readonly encoding: string;
  matches(text: string): { index: number; length: number } | undefined;
}

const SHORT_SECRET = 6;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function percentEncodeEvery(text: string, upper: boolean): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
    .map((hex) => (upper ? hex.toUpperCase() : hex))
    .join('');
}

function formEncode(text: string): string {
  return new URLSearchParams({ v: text }).toString().slice(2);
}

function lowerHex(text: string): string {
  return text.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
}

function literal(encoding: string, needle: string, short: boolean): SecretForm {
  // A short secret (a CVV) would match inside ports, amounts and timestamps: it counts only when it
  // stands alone, not glued to letters, digits, dots or colons.
  const pattern = short
    ? new RegExp(`(?<![\\w.:%])${escapeRegExp(needle)}(?![\\w.:])`)
    : new RegExp(escapeRegExp(needle));
  return {
    encoding,
    matches(text) {
      const found = pattern.exec(text);
      return found ? { index: found.index, length: found[0].length } : undefined;
    },
  };
}

/**
 * The forms searched for one secret: as it is, URL-encoded (once and twice, as Payture's DATA is),
 * form-encoded, every byte percent-encoded (either hex case), JSON-escaped, and for a card number
 * also grouped by spaces, dashes, dots or slashes (`NNNN NNNN NNNN NNNN`).
 */
export function secretForms(secret: string): SecretForm[] {
  const short = secret.length < SHORT_SECRET;
  const variants = new Map<string, string>([[secret, 'as is']]);
  const add = (needle: string, encoding: string): void => {
    if (!variants.has(needle)) variants.set(needle, encoding);
  };
  add(encodeURIComponent(secret), 'URL-encoded');
  add(lowerHex(encodeURIComponent(secret)), 'URL-encoded');
  add(encodeURIComponent(encodeURIComponent(secret)), 'URL-encoded twice');
  add(formEncode(secret), 'form-encoded');
  add(percentEncodeEvery(secret, true), 'percent-encoded');
  add(percentEncodeEvery(secret, false), 'percent-encoded');
  add(JSON.stringify(secret).slice(1, -1), 'JSON-escaped');
  const forms = [...variants].map(([needle, encoding]) => literal(encoding, needle, short));
  if (/^\d{12,19}$/.test(secret)) {
    const grouped = new RegExp([...secret].join('[ .\\-/]{0,2}'));
    forms.push({
      encoding: 'with separators',
      matches(text) {
        const found = grouped.exec(text);
        return found ? { index: found.index, length: found[0].length } : undefined;
      },
    });
  }
  return forms;
}
