import { randomBytes } from 'node:crypto';

/** A value a database dump must never show, named for the failure message (never printed itself). */
export interface StoreSecret {
  readonly name: string;
  readonly value: string;
}

/** A store's keys as text (`TokenKeys` wants each in a core `Secret`), and the forms a dump could show. */
export interface StoreKeyMaterial {
  readonly currentKeyId: string;
  /** 32 random bytes, base64: the AES-256-GCM key for tokens, under `currentKeyId`. */
  readonly tokenKey: string;
  /** 32 random bytes, base64: the HMAC key for token fingerprints. */
  readonly fingerprintKey: string;
  readonly secrets: readonly StoreSecret[];
}

function newKey(name: string): { base64: string; forms: StoreSecret[] } {
  const bytes = randomBytes(32);
  return {
    base64: bytes.toString('base64'),
    // A dump renders bytes as hex; a key copied into a text column would show as base64.
    forms: [
      { name: `${name} (base64)`, value: bytes.toString('base64') },
      { name: `${name} (hex)`, value: bytes.toString('hex') },
    ],
  };
}

/**
 * Fresh random keys, as a host configures them: nothing in the repository holds a key, so a dump that
 * shows one shows it because the store leaked it.
 */
export function generateStoreKeys(): StoreKeyMaterial {
  const token = newKey('store token key');
  const fingerprint = newKey('store fingerprint key');
  return {
    currentKeyId: 'test',
    tokenKey: token.base64,
    fingerprintKey: fingerprint.base64,
    secrets: [...token.forms, ...fingerprint.forms],
  };
}
