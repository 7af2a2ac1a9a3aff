import { Writable } from 'node:stream';
import { type RunningDemo, type StartDemoOptions, startDemo } from '../../src/demo.js';
import { RequestLog } from '../../src/http/request-log.js';

/** Everything the app logged, as text: tests search it for card data. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      this.lines.push(String(chunk));
      done();
    },
  });

  text(): string {
    return this.lines.join('');
  }
}

export interface TestHost {
  readonly demo: RunningDemo;
  /** `http://localhost:{port}/` */
  readonly url: string;
  readonly logs: LogCapture;
  readonly requestLog: RequestLog;
  close(): Promise<void>;
}

/**
 * The demo as `pnpm demo` starts it (emulators, bundle, Fastify on a real port), on port 0, with debug
 * logging captured and every request the host receives recorded.
 */
export async function startTestHost(
  env: Record<string, string> = {},
  options: StartDemoOptions = {},
): Promise<TestHost> {
  const logs = new LogCapture();
  const requestLog = new RequestLog();
  const demo = await startDemo(
    {
      PORT: '0',
      LOG_LEVEL: 'debug',
      POLL_INTERVAL_MS: '200',
      SESSION_SECRET: 'test-session-secret-that-is-long-enough',
      ...env,
    },
    { logStream: logs.stream, requestLog, ...options },
  );
  return { demo, url: demo.url, logs, requestLog, close: () => demo.close() };
}
