import { describe, expect, it } from 'vitest';
import { marginalBytes } from '../src/measure/table-bytes.js';

describe('marginalBytes', () => {
  it('charges each item its share of every table’s growth, not of what the empty table held', () => {
    const empty = { bindings: 16_384, cards: 8_192 };
    const filled = { bindings: 16_384 + 200_000, cards: 8_192 + 100_000, work_items: 50_000 };
    expect(marginalBytes(empty, filled, 100)).toEqual({
      total: 3_500,
      byTable: { bindings: 2_000, cards: 1_000, work_items: 500 },
    });
  });

  it('refuses a count that is not positive', () => {
    expect(() => marginalBytes({}, { t: 1 }, 0)).toThrow(RangeError);
  });
});
