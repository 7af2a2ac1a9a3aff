import { describe, expect, it } from 'vitest';
import { jsonSnapshot } from '../src/work/json-snapshot.js';

const roundTrip = (value: unknown): unknown => {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
};

describe('jsonSnapshot', () => {
  it('gives what a JSON round trip gives', () => {
    class Money {
      constructor(readonly minor: number) {}
    }
    const cases: unknown[] = [
      {
        id: 'bnd_1',
        status: 'succeeded',
        createdAt: new Date('2026-12-01T10:00:00Z'),
        failure: undefined,
        card: { display: { maskedPan: '411111******1111', holder: undefined }, createdAt: new Date(0) },
        metadata: {},
        list: [1, undefined, null, Number.NaN, () => 1, 'x'],
        nested: [[{ deep: true }]],
        amount: new Money(100),
        custom: { toJSON: () => 'custom' },
        fn: () => 1,
        infinite: Number.POSITIVE_INFINITY,
      },
      [],
      'text',
      null,
      Object.assign(Object.create(null), { bare: 1 }),
    ];
    for (const [index, value] of cases.entries()) {
      expect(jsonSnapshot(value), `case ${index}`).toStrictEqual(roundTrip(value));
    }
  });

  it('throws on a bigint, as JSON.stringify does', () => {
    expect(() => jsonSnapshot({ big: 1n })).toThrow(TypeError);
  });
});
