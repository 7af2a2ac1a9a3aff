/**
 * Reads what a PostgreSQL client sends (protocol v3, frontend messages) and counts round trips and
 * statements, so the bench can say how many times one binding waits for the server instead of
 * guessing from the store's source. Pure: it is fed the bytes and keeps no socket.
 */

/** Protocol codes of the untyped messages a connection may open with (PostgreSQL's protocol docs). */
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/**
 * Splits one connection's client-to-server byte stream into messages. A connection opens with untyped
 * messages (an optional SSL or GSS request, then the startup message: length, then body); every later
 * message is a type byte and a length that counts itself but not the type byte.
 */
export class FrontendMessageReader {
  #pending: Buffer = Buffer.alloc(0);
  #untyped = true;

  constructor(private readonly onMessage: (type: string, body: Buffer) => void) {}

  feed(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    for (;;) {
      const headerBytes = this.#untyped ? 4 : 5;
      if (this.#pending.length < headerBytes) return;
      const length = this.#pending.readInt32BE(headerBytes - 4);
      const total = length + headerBytes - 4;
      if (this.#pending.length < total) return;
      const body = this.#pending.subarray(headerBytes, total);
      if (this.#untyped) {
        // After an SSL or GSS request the client sends another untyped message (the startup message).
        const code = body.length >= 4 ? body.readInt32BE(0) : 0;
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.#untyped = false;
        this.onMessage('startup', body);
      } else {
        this.onMessage(String.fromCharCode(this.#pending[0] ?? 0), body);
      }
      this.#pending = this.#pending.subarray(total);
    }
  }
}

/** The NUL-terminated string at `offset`, and where the next field starts. */
function cString(body: Buffer, offset: number): { text: string; next: number } {
  const end = body.indexOf(0, offset);
  const stop = end < 0 ? body.length : end;
  return { text: body.toString('utf8', offset, stop), next: stop + 1 };
}

/**
 * A statement's kind as `VERB table`: `INSERT bindings`, `UPDATE work_items`, `SELECT bindings`, or the
 * verb alone (`BEGIN`, `COMMIT`). The table is the first one named after INTO, UPDATE or FROM, without
 * its schema, which is what tells one write of a binding from another.
 */
export function statementKind(sql: string): string {
  const text = sql.trim().replace(/\s+/g, ' ');
  const verb = (text.split(' ')[0] ?? '').toUpperCase();
  const table = /\b(?:INTO|UPDATE|FROM) (?:"?\w+"?\.)?"?(\w+)"?/i.exec(text)?.[1];
  return table === undefined ? verb : `${verb} ${table}`;
}

/** What a set of connections sent: round trips, and statements by kind, in and out of transactions. */
export interface WireCounts {
  roundTrips: number;
  /** BEGINs (each with its COMMIT or ROLLBACK). */
  transactions: number;
  /** Statements between a BEGIN and its COMMIT or ROLLBACK, by kind (the BEGIN and COMMIT left out). */
  inTransactions: Record<string, number>;
  /** Statements sent on their own (each its own transaction on the server), by kind. */
  alone: Record<string, number>;
}

const TRANSACTION_CONTROL = new Set(['BEGIN', 'COMMIT', 'ROLLBACK']);

/**
 * Counts over any number of connections (one reader each). An extended-protocol query (Parse, Bind,
 * Execute, then Sync) waits for the server once, at its Sync; a simple Query message waits once too.
 * node-postgres sends every parameterised query as one Parse…Sync and BEGIN/COMMIT as simple queries.
 */
export class WireCounter {
  #roundTrips = 0;
  #transactions = 0;
  readonly #inTransactions = new Map<string, number>();
  readonly #alone = new Map<string, number>();

  /** A reader for one new connection, reporting into this counter. */
  connection(): FrontendMessageReader {
    let inTransaction = false;
    const statement = (sql: string): void => {
      const kind = statementKind(sql);
      if (kind === 'BEGIN') {
        inTransaction = true;
        this.#transactions += 1;
      } else if (TRANSACTION_CONTROL.has(kind)) {
        inTransaction = false;
      } else {
        const into = inTransaction ? this.#inTransactions : this.#alone;
        into.set(kind, (into.get(kind) ?? 0) + 1);
      }
    };
    return new FrontendMessageReader((type, body) => {
      if (type === 'S') this.#roundTrips += 1;
      if (type === 'Q') {
        this.#roundTrips += 1;
        statement(cString(body, 0).text);
      }
      // Parse: the statement's name, then its text.
      if (type === 'P') statement(cString(body, cString(body, 0).next).text);
    });
  }

  /** The counts so far, and starts again from zero. */
  take(): WireCounts {
    const counts = {
      roundTrips: this.#roundTrips,
      transactions: this.#transactions,
      inTransactions: Object.fromEntries(this.#inTransactions),
      alone: Object.fromEntries(this.#alone),
    };
    this.#roundTrips = 0;
    this.#transactions = 0;
    this.#inTransactions.clear();
    this.#alone.clear();
    return counts;
  }
}

function divided(kinds: Record<string, number>, per: number): Record<string, number> {
  const sorted = Object.entries(kinds)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([kind, count]): [string, number] => [kind, count / per]);
  return Object.fromEntries(sorted);
}

/** `counts` divided by `per` (bindings, items...), statements sorted by how often they ran. */
export function countsPer(counts: WireCounts, per: number): WireCounts {
  if (!(per > 0)) throw new RangeError(`per ${per}`);
  return {
    roundTrips: counts.roundTrips / per,
    transactions: counts.transactions / per,
    inTransactions: divided(counts.inTransactions, per),
    alone: divided(counts.alone, per),
  };
}

const number = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(2));
const total = (kinds: Record<string, number>): number =>
  Object.values(kinds).reduce((sum, count) => sum + count, 0);
const listed = (kinds: Record<string, number>): string =>
  Object.entries(kinds)
    .map(([kind, count]) => `${number(count)} ${kind}`)
    .join(', ');

/**
 * `20 round trips: 2 transactions of 9 statements; 7 alone (3 SELECT bindings, 4 UPDATE work_items)`,
 * for a table cell; with `detail`, the statements inside the transactions are listed too.
 */
export function describeRoundTrips(counts: WireCounts, detail = false): string {
  const parts: string[] = [];
  if (counts.transactions > 0) {
    const inside = detail ? ` (${listed(counts.inTransactions)})` : '';
    parts.push(
      `${number(counts.transactions)} transaction${counts.transactions === 1 ? '' : 's'} of ${number(total(counts.inTransactions))} statements${inside}`,
    );
  }
  if (total(counts.alone) > 0) parts.push(`${number(total(counts.alone))} alone (${listed(counts.alone)})`);
  return `${number(counts.roundTrips)} round trips: ${parts.join('; ')}`;
}
