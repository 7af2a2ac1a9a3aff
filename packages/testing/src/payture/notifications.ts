import { setTimeout as sleep } from 'node:timers/promises';

export interface NotificationDelivery {
  status?: number;
  error?: string;
}

export interface NotificationRecord {
  fields: Readonly<Record<string, string>>;
  deliveries: NotificationDelivery[];
  /** A 200 answer was received. */
  delivered: boolean;
}

export interface NotificationOptions {
  url?: string;
  /** Deliveries tried per notification; Payture retries until a 200 (configured at Payture). */
  attempts?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
}

/**
 * Payture's server-to-server notifications: form-encoded POSTs to a configured URL, retried on any
 * answer but 200. Delivery runs in the background; `settled()` waits for it.
 */
export class NotificationSender {
  url: string | undefined;
  readonly records: NotificationRecord[] = [];
  readonly #pending = new Set<Promise<void>>();
  readonly #attempts: number;
  readonly #retryDelayMs: number;
  readonly #timeoutMs: number;

  constructor(options: NotificationOptions = {}) {
    this.url = options.url;
    this.#attempts = options.attempts ?? 3;
    this.#retryDelayMs = options.retryDelayMs ?? 20;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Queues a notification; nothing is sent (or recorded) without a URL, as at Payture. */
  send(fields: Readonly<Record<string, string>>): void {
    if (this.url === undefined) return;
    const record: NotificationRecord = { fields, deliveries: [], delivered: false };
    this.records.push(record);
    this.#track(this.#deliver(this.url, record));
  }

  /** Sends a recorded notification again, as Payture does when it retries or duplicates one. */
  replay(index = this.records.length - 1): Promise<void> {
    const original = this.records[index];
    if (!original || this.url === undefined) return Promise.resolve();
    const record: NotificationRecord = { fields: original.fields, deliveries: [], delivered: false };
    this.records.push(record);
    return this.#track(this.#deliver(this.url, record));
  }

  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #track(delivery: Promise<void>): Promise<void> {
    this.#pending.add(delivery);
    void delivery.finally(() => this.#pending.delete(delivery));
    return delivery;
  }

  async #deliver(url: string, record: NotificationRecord): Promise<void> {
    for (let attempt = 0; attempt < this.#attempts && !record.delivered; attempt++) {
      if (attempt > 0) await sleep(this.#retryDelayMs);
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: new URLSearchParams(record.fields).toString(),
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        await response.arrayBuffer();
        record.deliveries.push({ status: response.status });
        record.delivered = response.status === 200;
      } catch (error) {
        record.deliveries.push({ error: error instanceof Error ? error.name : 'Error' });
      }
    }
  }
}

/** `dd.MM.yyyy HH:mm:ss`, the TransactionDate format of Payture's notifications (UTC here). */
export function transactionDate(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}.${pad(date.getUTCMonth() + 1)}.${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}
