import { randomBytes } from 'node:crypto';
import { Secret } from '@cardbind/core';
import { KeyId, type TokenKeysInput } from '@cardbind/store-postgres';
import { z } from 'zod';

/** The entry of `CARDBIND_TOKEN_KEYS` that keys the token fingerprint (an HMAC), not an AES key. */
export const FINGERPRINT_ENTRY = 'fingerprint';

/**
 * `CARDBIND_TOKEN_KEYS`: comma-separated `id:key` entries, each key 32 random bytes in base64
 * (`openssl rand -base64 32`). The entry named `fingerprint` keys the HMAC that makes a saved card unique
 * without storing its token (it cannot be rotated); of the others, the first encrypts new tokens and the
 * rest only decrypt rows written under them, so a key is rotated by putting a new one first. Base64 has
 * no `:` or `,`, so the format needs no quoting. Messages name an entry's position, never its text.
 *
 *     CARDBIND_TOKEN_KEYS=fingerprint:<base64>,2026-12:<base64>,2026-06:<base64>
 */
export const TokenKeyList = z.string().transform((text, ctx): TokenKeysInput => {
  const aes: [string, Secret][] = [];
  let fingerprint: Secret | undefined;
  for (const [index, raw] of text.split(',').entries()) {
    const entry = raw.trim();
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    const material = colon < 0 ? '' : entry.slice(colon + 1);
    // Problems name the entry by position: a mangled entry's "id" may well be key material.
    const problem = !KeyId.safeParse(id).success
      ? 'needs an id (1-32 letters, digits, "_", "." or "-") before ":"'
      : !isKeyMaterial(material)
        ? `needs a key of ${KEY_BYTES} bytes, base64-encoded, after ":"`
        : id === FINGERPRINT_ENTRY && fingerprint !== undefined
          ? `repeats "${FINGERPRINT_ENTRY}"`
          : aes.some(([known]) => known === id)
            ? 'repeats a key id'
            : undefined;
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `entry ${index + 1} ${problem}` });
    } else if (id === FINGERPRINT_ENTRY) {
      fingerprint = new Secret(material);
    } else {
      aes.push([id, new Secret(material)]);
    }
  }
  const [current] = aes;
  if (current === undefined) {
    ctx.addIssue({ code: 'custom', message: 'needs at least one encryption key besides the fingerprint' });
  }
  if (fingerprint === undefined) {
    ctx.addIssue({ code: 'custom', message: `needs a "${FINGERPRINT_ENTRY}:<base64>" entry` });
  }
  if (current === undefined || fingerprint === undefined) return z.NEVER;
  return { currentKeyId: current[0], keys: Object.fromEntries(aes), fingerprintKey: fingerprint };
});

const KEY_BYTES = 32;

/** The store's rule for key material (`TokenKeys`), checked here so a bad key stops the app by name. */
function isKeyMaterial(text: string): boolean {
  const bytes = Buffer.from(text, 'base64');
  // Buffer.from skips characters that are not base64; re-encoding catches a truncated or mangled key.
  return bytes.length === KEY_BYTES && bytes.toString('base64') === text;
}

/** Text for `CARDBIND_TOKEN_KEYS` (and the demo's key file): a fresh fingerprint key and one AES key. */
export function newTokenKeyText(keyId: string): string {
  const key = () => randomBytes(KEY_BYTES).toString('base64');
  return `${FINGERPRINT_ENTRY}:${key()},${keyId}:${key()}`;
}
