import { randomBytes } from 'node:crypto';

export interface IdGenerator {
  /** Unguessable: a binding id is the only thing a return URL carries. */
  bindingId(): string;
  cardId(): string;
}

/** 128 random bits each, base64url, with a readable prefix. */
export const randomIdGenerator: IdGenerator = {
  bindingId: () => `bnd_${randomBytes(16).toString('base64url')}`,
  cardId: () => `card_${randomBytes(16).toString('base64url')}`,
};
