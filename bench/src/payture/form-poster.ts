import http from 'node:http';
import got from 'got';
import { Agent, request } from 'undici';

/** One form POST and its text answer: all a direct, framework-free Payture client needs. */
export interface FormPoster {
  name: string;
  post(url: string, form: Record<string, string>): Promise<{ statusCode: number; body: string }>;
  close(): Promise<void>;
}

/** got with a keep-alive agent of the same size as cardbind's HTTP client, and nothing else. */
export function gotPoster(maxSockets = 64): FormPoster {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const client = got.extend({ agent: { http: agent }, throwHttpErrors: false, retry: { limit: 0 } });
  return {
    name: 'got',
    async post(url, form) {
      const response = await client.post(url, { form, responseType: 'text' });
      return { statusCode: response.statusCode, body: response.body };
    },
    async close() {
      agent.destroy();
    },
  };
}

/** undici's request() over a keep-alive pool of the same size. */
export function undiciPoster(connections = 64): FormPoster {
  const dispatcher = new Agent({ connections });
  return {
    name: 'undici',
    async post(url, form) {
      const response = await request(url, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      return { statusCode: response.statusCode, body: await response.body.text() };
    },
    async close() {
      await dispatcher.close();
    },
  };
}
