import { Writable } from 'node:stream';
import { z } from 'zod';
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

  /** Each line as the JSON object pino wrote; anything that is not one is left out. */
  records(): Record<string, unknown>[] {
    const records: Record<string, unknown>[] = [];
    for (const line of this.text().split('\n')) {
      const parsed = LogRecord.safeParse(parseJson(line));
      if (parsed.success) records.push(parsed.data);
    }
    return records;
  }
}

const LogRecord = z.record(z.string(), z.unknown());

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
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
 * logging captured and every request the host receives recorded. An `undefined` variable is left unset,
 * so a test can run with the app's own default (`LOG_LEVEL: undefined`). Bindings, cards and sessions
 * are kept in memory (`storage: 'memory'`): these tests are about routes and pages, start many apps,
 * and must never touch the developer's `.cardbind-demo/`; the durable storage has tests of its own
 * (demo-restart, two-instances, crash-recovery).
 */
export async function startTestHost(
  env: Record<string, string | undefined> = {},
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
    { logStream: logs.stream, requestLog, storage: 'memory', ...options },
  );
  return { demo, url: demo.url, logs, requestLog, close: () => demo.close() };
}
