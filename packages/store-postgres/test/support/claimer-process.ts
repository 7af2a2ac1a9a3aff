import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const CLAIMER = fileURLToPath(new URL('../fixtures/work-claimer.mjs', import.meta.url));

export const ClaimerMessage = z.discriminatedUnion('event', [
  z.object({ event: z.literal('ready'), pid: z.number() }),
  z.object({
    event: z.literal('holding'),
    ids: z.array(z.string()),
    performed: z.array(z.string()),
    leaseUntil: z.coerce.date(),
  }),
  z.object({
    event: z.literal('done'),
    owner: z.string(),
    completed: z.array(z.string()),
    lost: z.array(z.string()),
    claims: z.number(),
    claimMedianMs: z.number().optional(),
  }),
]);
export type ClaimerMessage = z.infer<typeof ClaimerMessage>;
type Event = ClaimerMessage['event'];
type MessageOf<E extends Event> = Extract<ClaimerMessage, { event: E }>;

export interface ClaimerOptions {
  batch: number;
  leaseMs: number;
  workMs?: number;
  holdBatch?: number;
}

/** A separate Node process running test/fixtures/work-claimer.mjs: one worker of one host. */
export class ClaimerProcess {
  readonly #child: ChildProcess;
  readonly #messages: ClaimerMessage[] = [];
  readonly #waiting: (() => void)[] = [];
  #stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    url: string,
    schema: string,
    readonly owner: string,
    options: ClaimerOptions,
  ) {
    this.#child = spawn(process.execPath, [CLAIMER, url, schema, owner, JSON.stringify(options)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.#child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        this.#messages.push(ClaimerMessage.parse(JSON.parse(line)));
        for (const wake of this.#waiting.splice(0)) wake();
      }
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        resolve({ code, signal });
        for (const wake of this.#waiting.splice(0)) wake();
      });
    });
  }

  /** The first message of this kind, waiting for it; rejects if the process ends without sending it. */
  async next<E extends Event>(event: E): Promise<MessageOf<E>> {
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const found = this.#messages.find((message): message is MessageOf<E> => message.event === event);
      if (found) return found;
      if (exited || this.#child.exitCode !== null || this.#child.signalCode !== null) {
        throw new Error(`${this.owner} ended without "${event}": ${this.#stderr}`);
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  /** Lets the process start claiming (it waits, connected, so that several start together). */
  go(): void {
    // Ending stdin too: an open pipe would keep the child alive once it is done.
    this.#child.stdin?.end('go\n');
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }
}
