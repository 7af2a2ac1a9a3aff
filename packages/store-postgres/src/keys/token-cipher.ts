import { createCipheriv, createDecipheriv, createHmac, randomBytes, type KeyObject } from 'node:crypto';
import { CardBindingError } from '@cardbind/core';
import type { TokenKeys } from './token-keys.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The card a token belongs to. Bound into the ciphertext as additional data: a token moved to another row fails to decrypt. */
export interface TokenOwner {
  cardId: string;
  provider: string;
  customerId: string;
}

export interface SealedToken {
  keyId: string;
  /** IV (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes). */
  sealed: Buffer;
}

function additionalData(owner: TokenOwner): Buffer {
  return Buffer.from(
    `cardbind-card-token:v1\u0000${owner.provider}\u0000${owner.customerId}\u0000${owner.cardId}`,
  );
}

/** AES-256-GCM for card tokens at rest, and the keyed fingerprint that stands in for a token in unique constraints. */
export class TokenCipher {
  readonly #keys: ReadonlyMap<string, KeyObject>;
  readonly #fingerprintKey: KeyObject;
  readonly currentKeyId: string;

  constructor(config: TokenKeys) {
    this.#keys = new Map(Object.entries(config.keys));
    this.#fingerprintKey = config.fingerprintKey;
    this.currentKeyId = config.currentKeyId;
  }

  /** The configured keys that are not current: the ones `reencryptTokens` moves rows away from. */
  get retiredKeyIds(): string[] {
    return [...this.#keys.keys()].filter((id) => id !== this.currentKeyId);
  }

  encrypt(token: string, owner: TokenOwner): SealedToken {
    const key = this.#key(this.currentKeyId);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(owner));
    const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, sealed: Buffer.concat([iv, body, cipher.getAuthTag()]) };
  }

  decrypt({ keyId, sealed }: SealedToken, owner: TokenOwner): string {
    const key = this.#key(keyId);
    if (sealed.length < IV_BYTES + TAG_BYTES) throw unreadable(owner.cardId);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(additionalData(owner));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // A wrong key under the right id, a tampered row or a token moved between rows.
      throw unreadable(owner.cardId);
    }
  }

  /** HMAC-SHA256 of the provider and token: equal tokens of one provider match, the token cannot be recovered. */
  fingerprint(provider: string, token: string): Buffer {
    return createHmac('sha256', this.#fingerprintKey).update(`${provider}\u0000${token}`, 'utf8').digest();
  }

  #key(keyId: string): KeyObject {
    const key = this.#keys.get(keyId);
    if (key === undefined) {
      throw new CardBindingError(
        'CONFIG_INVALID',
        `A card token is encrypted under key id "${keyId}", which is not configured: add it to keys until reencryptTokens has moved every row`,
        { field: 'keys' },
      );
    }
    return key;
  }
}

function unreadable(cardId: string): CardBindingError {
  return new CardBindingError(
    'STORE_UNAVAILABLE',
    `The token of card ${cardId} failed authentication: wrong key material for its key id, or the row was altered`,
    { retryable: false },
  );
}
