import { createHmac } from 'node:crypto';
import type { Session } from './state.js';

export interface NotificationRecord {
  event: string;
  sessionId: string;
  /** The host's answer; 0 when it could not be reached. */
  status: number;
}

/**
 * ToyPay's signed notifications: a form POST of `event` and `session_id`, signed as ToyPay documents
 * it (`x-toypay-signature` = hex HMAC-SHA-256 of `{event}.{session_id}` under the webhook secret),
 * computed here from the wire rule, never with the provider's code.
 */
export class NotificationSender {
  readonly records: NotificationRecord[] = [];

  constructor(
    private readonly webhookSecret: string,
    private readonly url: string | undefined,
  ) {}

  async send(event: string, session: Session): Promise<void> {
    if (!this.url) return;
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-toypay-signature': createHmac('sha256', this.webhookSecret)
          .update(`${event}.${session.id}`)
          .digest('hex'),
      },
      body: new URLSearchParams({ event, session_id: session.id }).toString(),
    }).catch(() => undefined);
    this.records.push({ event, sessionId: session.id, status: response?.status ?? 0 });
  }
}
