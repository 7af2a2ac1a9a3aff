import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const URL_LINE = /cardbind demo host app: (http:\/\/\S+)/;
const LISTENING_LINE = /^ {2}Listening (http:\/\/\S+)$/m;
/** The last of main.ts's startup lines: everything before it has been printed. */
const READY_LINE = 'Open the URL in a browser';

/**
 * Variables of the developer's shell that would point a child at their own database, keys or sandboxes:
 * a test names everything its children use.
 */
const INHERITED_CONFIG =
  /^(DATABASE_URL|CARDBIND_.*|SESSION_SECRETS?|PAYTURE_.*|PAYONLINE_.*|PUBLIC_URL|PORT|HOST|NODE_ENV)$/;

export interface HostProcess {
  /** `http://localhost:{port}/` as the process printed it (its PUBLIC_URL, when one is set). */
  readonly url: string;
  /** Where the process itself listens: `url`, unless it is behind a proxy. */
  readonly listeningUrl: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its JSON log lines (pino), parsed. */
  records(): Record<string, unknown>[];
  /** SIGTERM (a clean shutdown) to its whole process group; resolves once it exited. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown hook, no flush, as a crash or an OOM kill. Resolves once it is gone. */
  kill(): Promise<void>;
}

export interface StartHostProcessOptions {
  env: Record<string, string>;
  /** `node` (default): the built `dist/main.js`; `pnpm-demo`: exactly `pnpm demo`, build included. */
  command?: 'node' | 'pnpm-demo';
  timeoutMs?: number;
}

const LogRecord = z.record(z.string(), z.unknown());

/**
 * Starts the example host as a separate Node process, as an operator would, and waits for the URL line.
 * It runs in its own process group (`detached`), so stop and kill reach `pnpm` and the node it starts.
 */
export async function startHostProcess(options: StartHostProcessOptions): Promise<HostProcess> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !INHERITED_CONFIG.test(name)),
  );
  const [file, args] =
    options.command === 'pnpm-demo'
      ? ['pnpm', ['demo']]
      : [process.execPath, [fileURLToPath(new URL('../../dist/main.js', import.meta.url))]];
  const child = spawn(file, args, {
    cwd: REPO_ROOT,
    env: { ...base, PORT: '0', ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const read = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', read);
  child.stderr?.on('data', read);

  const signal = async (name: NodeJS.Signals) => {
    const group = child.pid;
    if (group === undefined) return;
    try {
      process.kill(-group, name);
    } catch {
      // Already gone.
    }
    await exited;
    // `pnpm demo` is pnpm with node under it: done when the whole group is, not when pnpm is.
    while (groupAlive(group)) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      void signal('SIGKILL');
      reject(new Error(`no URL printed in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const check = () => {
      const match = URL_LINE.exec(output);
      if (match?.[1] && output.includes(READY_LINE)) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the host exited with ${child.exitCode ?? child.signalCode}:\n${output}`));
    });
  });

  return {
    url,
    listeningUrl: LISTENING_LINE.exec(output)?.[1] ?? url,
    child,
    output: () => output,
    records() {
      const records: Record<string, unknown>[] = [];
      for (const line of output.split('\n')) {
        if (!line.startsWith('{')) continue;
        const parsed = LogRecord.safeParse(parseJson(line));
        if (parsed.success) records.push(parsed.data);
      }
      return records;
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
