import type { IdGenerator } from '../ports/id-generator.js';

/** Predictable ids for tests: `bnd_1`, `bnd_2`... Never use in production. */
export class SequentialIdGenerator implements IdGenerator {
  #binding = 0;
  #card = 0;
  bindingId(): string {
    return `bnd_${++this.#binding}`;
  }
  cardId(): string {
    return `card_${++this.#card}`;
  }
}
