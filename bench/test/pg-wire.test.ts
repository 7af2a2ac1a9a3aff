import { describe, expect, it } from 'vitest';
import {
  countsPer,
  describeRoundTrips,
  FrontendMessageReader,
  statementKind,
  WireCounter,
} from '../src/measure/pg-wire.js';

/** A frontend message: type byte, then a length that counts itself and the body. */
function typed(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function untyped(code: number, rest: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(rest.length + 8, 0);
  header.writeInt32BE(code, 4);
  return Buffer.concat([header, rest]);
}

const startup = untyped(196608, Buffer.from('user\0postgres\0database\0bench\0\0'));
const sslRequest = untyped(80877103);
const simple = (sql: string): Buffer => typed('Q', Buffer.from(`${sql}\0`));
/** What node-postgres sends for a query with parameters: Parse, Bind, Describe, Execute, Sync. */
const extended = (sql: string): Buffer =>
  Buffer.concat([
    typed('P', Buffer.concat([Buffer.from(`\0${sql}\0`), Buffer.from([0, 0])])),
    typed('B', Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0x31, 0, 0])),
    typed('D', Buffer.from('P\0')),
    typed('E', Buffer.from([0, 0, 0, 0, 0])),
    typed('S'),
  ]);

const binding = Buffer.concat([
  startup,
  extended('SELECT * FROM "cardbind".bindings WHERE id = $1'),
  simple('BEGIN'),
  extended('UPDATE "cardbind".bindings SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING *'),
  extended('INSERT INTO "cardbind".binding_audit (binding_id) VALUES ($1)'),
  simple('COMMIT'),
  extended('UPDATE "cardbind".work_items SET status = $1 WHERE id = $2'),
]);

describe('FrontendMessageReader', () => {
  it('reads the untyped startup message, then typed messages', () => {
    const types: string[] = [];
    new FrontendMessageReader((type) => types.push(type)).feed(
      Buffer.concat([startup, simple('BEGIN'), typed('S')]),
    );
    expect(types).toEqual(['startup', 'Q', 'S']);
  });

  it('expects a second untyped message after an SSL request', () => {
    const types: string[] = [];
    new FrontendMessageReader((type) => types.push(type)).feed(
      Buffer.concat([sslRequest, startup, simple('BEGIN')]),
    );
    expect(types).toEqual(['startup', 'startup', 'Q']);
  });

  it('gives the same messages however the stream is cut into chunks', () => {
    const whole: string[] = [];
    new FrontendMessageReader((type, body) => whole.push(`${type}:${body.toString('hex')}`)).feed(binding);
    const byteByByte: string[] = [];
    const reader = new FrontendMessageReader((type, body) =>
      byteByByte.push(`${type}:${body.toString('hex')}`),
    );
    for (let index = 0; index < binding.length; index++) reader.feed(binding.subarray(index, index + 1));
    expect(byteByByte).toEqual(whole);
    expect(whole).toHaveLength(1 + 5 + 1 + 5 + 5 + 1 + 5);
  });
});

describe('statementKind', () => {
  it('names the verb and the first table, without its schema', () => {
    expect(statementKind('INSERT INTO "cardbind".bindings (id) VALUES ($1)')).toBe('INSERT bindings');
    expect(
      statementKind('  UPDATE "s".work_items\n   SET x = 1 WHERE id IN (SELECT id FROM "s".other)'),
    ).toBe('UPDATE work_items');
    expect(
      statementKind('SELECT b.* FROM "s".binding_lookup_keys k JOIN "s".bindings b ON b.id = k.binding_id'),
    ).toBe('SELECT binding_lookup_keys');
    expect(statementKind('select * from cards where id = $1')).toBe('SELECT cards');
  });

  it('is the verb alone for transaction control', () => {
    expect(statementKind('BEGIN')).toBe('BEGIN');
    expect(statementKind('commit')).toBe('COMMIT');
  });
});

describe('WireCounter', () => {
  it('counts one round trip per Sync or simple query, and statements in and out of transactions', () => {
    const counter = new WireCounter();
    counter.connection().feed(binding);
    expect(counter.take()).toEqual({
      roundTrips: 6,
      transactions: 1,
      inTransactions: { 'UPDATE bindings': 1, 'INSERT binding_audit': 1 },
      alone: { 'SELECT bindings': 1, 'UPDATE work_items': 1 },
    });
  });

  it('keeps each connection its own transaction state and starts again after take()', () => {
    const counter = new WireCounter();
    const first = counter.connection();
    const second = counter.connection();
    first.feed(Buffer.concat([startup, simple('BEGIN')]));
    second.feed(Buffer.concat([startup, extended('SELECT * FROM t.bindings WHERE id = $1')]));
    first.feed(Buffer.concat([extended('INSERT INTO t.cards (id) VALUES ($1)'), simple('COMMIT')]));
    expect(counter.take()).toMatchObject({
      roundTrips: 4,
      inTransactions: { 'INSERT cards': 1 },
      alone: { 'SELECT bindings': 1 },
    });
    expect(counter.take()).toEqual({ roundTrips: 0, transactions: 0, inTransactions: {}, alone: {} });
  });
});

describe('per binding', () => {
  const counts = {
    roundTrips: 40,
    transactions: 4,
    inTransactions: { 'INSERT bindings': 2, 'UPDATE bindings': 4 },
    alone: { 'UPDATE work_items': 8, 'SELECT bindings': 6 },
  };

  it('divides every count and sorts the kinds by count', () => {
    const per = countsPer(counts, 2);
    expect(per).toEqual({
      roundTrips: 20,
      transactions: 2,
      inTransactions: { 'UPDATE bindings': 2, 'INSERT bindings': 1 },
      alone: { 'UPDATE work_items': 4, 'SELECT bindings': 3 },
    });
    expect(Object.keys(per.alone)).toEqual(['UPDATE work_items', 'SELECT bindings']);
    expect(() => countsPer(counts, 0)).toThrow(RangeError);
  });

  it('describes transactions and the statements sent alone', () => {
    expect(describeRoundTrips(countsPer(counts, 2))).toBe(
      '20 round trips: 2 transactions of 3 statements; 7 alone (4 UPDATE work_items, 3 SELECT bindings)',
    );
    expect(describeRoundTrips(countsPer(counts, 2), true)).toContain(
      '(2 UPDATE bindings, 1 INSERT bindings)',
    );
    expect(
      describeRoundTrips({ roundTrips: 1, transactions: 0, inTransactions: {}, alone: { 'UPDATE x': 1 } }),
    ).toBe('1 round trips: 1 alone (1 UPDATE x)');
  });
});
