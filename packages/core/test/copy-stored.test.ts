import { describe, expect, it } from 'vitest';
import { copyStored } from '../src/ports/copy-stored.js';
import { randomId } from '../src/ports/id-generator.js';

describe('copyStored', () => {
  it('gives what structuredClone gives for stored data, sharing nothing with the original', () => {
    const record = {
      id: 'bnd_1',
      version: 2,
      customer: { id: 'c-1', email: undefined },
      lookupKeys: ['a', 'b'],
      providerRef: { nested: [{ deep: [1, null, true] }] },
      createdAt: new Date('2026-12-01T10:00:00Z'),
      bytes: new Uint8Array([1, 2, 3]),
      bare: Object.assign(Object.create(null), { x: 1 }),
    };
    const copy = copyStored(record);
    expect(copy).toStrictEqual(structuredClone(record));
    expect(Object.hasOwn(copy.customer, 'email')).toBe(true);
    copy.customer.id = 'changed';
    copy.lookupKeys.push('c');
    copy.createdAt.setTime(0);
    copy.bytes[0] = 9;
    const first = copy.providerRef.nested[0];
    if (first) first.deep.push(2);
    expect(record.customer.id).toBe('c-1');
    expect(record.lookupKeys).toEqual(['a', 'b']);
    expect(record.createdAt.getTime()).toBe(Date.parse('2026-12-01T10:00:00Z'));
    expect(record.bytes[0]).toBe(1);
    expect(record.providerRef.nested[0]?.deep).toEqual([1, null, true]);
  });

  it('turns a class instance into plain data, as structuredClone does', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    expect(copyStored({ at: new Point(1) })).toEqual(structuredClone({ at: new Point(1) }));
    expect(copyStored(new Point(1))).not.toBeInstanceOf(Point);
  });
});

describe('randomId', () => {
  it('gives 128 random bits in base64url after the prefix, never the same twice across refills', () => {
    const ids = Array.from({ length: 1_000 }, () => randomId('bnd_'));
    for (const id of ids) expect(id).toMatch(/^bnd_[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
