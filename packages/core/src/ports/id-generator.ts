import { randomFillSync } from 'node:crypto';

export interface IdGenerator {
  /** Unguessable: a binding id is the only thing a return URL carries. */
  bindingId(): string;
  cardId(): string;
  /** Optional for generators written before charging; random ids are used when absent. */
  chargeId?(): string;
  refundId?(): string;
}

const ID_BYTES = 16;
// 256 ids per refill. `randomBytes(16)` per id was a call into the system's CSPRNG and a new Buffer
// each time; one fill per 256 ids is what `crypto.randomUUID` does with its own cache. Each byte is
// handed out once.
const pool = Buffer.alloc(ID_BYTES * 256);
let offset = pool.length;

/** 128 random bits, base64url, after `prefix`. */
export function randomId(prefix: string): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = `${prefix}${pool.toString('base64url', offset, offset + ID_BYTES)}`;
  offset += ID_BYTES;
  return id;
}

/** 128 random bits each, base64url, with a readable prefix. */
export const randomIdGenerator: IdGenerator = {
  bindingId: () => randomId('bnd_'),
  cardId: () => randomId('card_'),
  chargeId: () => randomId('ch_'),
  refundId: () => randomId('re_'),
};
