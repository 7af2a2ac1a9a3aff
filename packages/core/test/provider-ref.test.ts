import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProviderRef } from '../src/index.js';

describe('ProviderRef', () => {
  it('accepts exactly what z.json() accepts, per key', () => {
    const reference = z.record(z.string(), z.json());
    class Handle {
      readonly id = 'h';
    }
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const cases: unknown[] = [
      { sessionId: 's', cardsBeforeInit: [], nested: { list: [1, 'a', null, false, { x: [2.5] }] } },
      {},
      { count: Number.NaN },
      { count: Number.POSITIVE_INFINITY },
      { missing: undefined },
      { when: new Date() },
      { handle: new Handle() },
      { call: () => 1 },
      { big: 1n },
      { list: [undefined] },
      [],
      'text',
      null,
    ];
    for (const [index, value] of cases.entries()) {
      expect(ProviderRef.safeParse(value).success, `case ${index}`).toBe(reference.safeParse(value).success);
    }
    // z.json() overflows the stack on a cycle; the ref refuses it.
    expect(ProviderRef.safeParse(cyclic).success).toBe(false);
  });

  it('names the key whose value is not JSON', () => {
    const parsed = ProviderRef.safeParse({ good: 'x', bad: { when: new Date() } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['bad']]);
  });
});
