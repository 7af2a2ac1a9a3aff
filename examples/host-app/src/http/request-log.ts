/** One request as the host received it: what it would see of card data if any were sent to it. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * A record of every request the host received, raw (before redaction), kept only when a test asks for
 * it. The browser tests read it to prove the card number never passed through the host.
 */
export class RequestLog {
  readonly #entries: RecordedRequest[] = [];

  add(entry: RecordedRequest): void {
    this.#entries.push(entry);
  }

  get entries(): readonly RecordedRequest[] {
    return this.#entries;
  }

  /** Everything received, as one string to search. */
  text(): string {
    return this.#entries
      .map((entry) => `${entry.method} ${entry.url}\n${JSON.stringify(entry.headers)}\n${entry.body}`)
      .join('\n\n');
  }
}
