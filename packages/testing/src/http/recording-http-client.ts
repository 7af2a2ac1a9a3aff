import { createHttpClient, type HttpClient, type HttpRequest } from '@cardbind/core';

/**
 * A real HttpClient (no retries) that also remembers every request a provider asked it to send, as the
 * provider built it: for tests of what a provider puts on each request (its `command`, its headers).
 */
export function recordingHttpClient(name: string): { http: HttpClient; sent: HttpRequest[] } {
  const inner = createHttpClient({ name, retries: 0 });
  const sent: HttpRequest[] = [];
  return {
    sent,
    http: {
      request: (request) => {
        sent.push(request);
        return inner.request(request);
      },
      close: () => inner.close(),
    },
  };
}
