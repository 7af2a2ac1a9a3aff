import { randomBytes } from 'node:crypto';

export interface IdGenerator {
  /** Unguessable: a binding id is the only thing a return URL carries. */
  bindingId(): string;
  cardId(): string;
  /** Optional for generators written before charging; random ids are used when absent. */
  chargeId?(): string;
  refundId?(): string;
}

/** 128 random bits each, base64url, with a readable prefix. */
export const randomIdGenerator: IdGenerator = {
  bindingId: () => `bnd_${randomBytes(16).toString('base64url')}`,
  cardId: () => `card_${randomBytes(16).toString('base64url')}`,
  chargeId: () => `ch_${randomBytes(16).toString('base64url')}`,
  refundId: () => `re_${randomBytes(16).toString('base64url')}`,
};
