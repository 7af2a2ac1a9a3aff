import { inject, injectable, optional } from 'inversify';
import { z } from 'zod';
import { CardBindingService } from '../binding/card-binding-service.js';
import { ChargeService } from '../charge/charge-service.js';
import { parseConfig } from '../config.js';
import type { Logger } from '../ports/logger.js';
import { toCardBindingError } from '../to-card-binding-error.js';
import { LOGGER } from '../tokens.js';

export const WorkerOptions = z.object({
  /** Pause between rounds when a round found nothing to do. */
  idleMs: z.number().int().positive().default(1_000),
  /** Items claimed per round. */
  batchSize: z.number().int().positive().max(1_000).default(20),
  /** How often expired bindings are swept. */
  sweepEveryMs: z.number().int().positive().default(30_000),
  /** Bindings looked at per sweep. */
  sweepBatchSize: z.number().int().positive().max(10_000).default(100),
});
export type WorkerOptions = z.input<typeof WorkerOptions>;

export interface WorkerRound {
  /** Background items run. */
  work: number;
  /** Expired bindings looked at (0 when no sweep was due). */
  swept: number;
  /** Open charges and lost refund answers asked about. */
  reconciled: number;
}

/**
 * Runs the durable background work, the expiry sweep and the charge reconciler, in the host's process or in a process of
 * its own: as many workers as you like may run against one database, since every item is claimed
 * under a lease and each binding moves by compare-and-set. `stop()` lets the round in progress
 * finish, so nothing it claimed is left half-done (an item it never reached stays pending).
 */
@injectable()
export class CardBindingWorker {
  #running: Promise<void> | undefined;
  #stopping: AbortController | undefined;
  #lastSweep = 0;

  constructor(
    @inject(CardBindingService) private readonly service: CardBindingService,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(ChargeService) @optional() private readonly charges?: ChargeService,
  ) {}

  get running(): boolean {
    return this.#running !== undefined;
  }

  /** Starts the loop; a second call while running does nothing. */
  start(input: WorkerOptions = {}): void {
    if (this.#running) return;
    const options = parseConfig(WorkerOptions, input, 'CardBindingWorker.start');
    const stopping = new AbortController();
    this.#stopping = stopping;
    this.#running = this.#loop(options, stopping.signal).finally(() => {
      this.#running = undefined;
    });
  }

  /** Finishes the round in progress, then resolves. */
  async stop(): Promise<void> {
    this.#stopping?.abort();
    await this.#running;
    await this.service.settled();
  }

  /** One round: due work, then a sweep when one is due (always with `sweep: true`). */
  async runOnce(
    options: { sweep?: boolean; batchSize?: number; sweepBatchSize?: number } = {},
  ): Promise<WorkerRound> {
    const parsed = parseConfig(
      WorkerOptions,
      {
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        ...(options.sweepBatchSize === undefined ? {} : { sweepBatchSize: options.sweepBatchSize }),
      },
      'CardBindingWorker.runOnce',
    );
    return this.#round(parsed, options.sweep ?? true);
  }

  async #round(options: z.output<typeof WorkerOptions>, sweep: boolean): Promise<WorkerRound> {
    const work = await this.service.runDueWork(options.batchSize);
    const swept = sweep ? await this.service.sweepExpired(options.sweepBatchSize) : 0;
    const round = this.charges
      ? await this.charges.reconcileDue(options.batchSize)
      : { charges: 0, refunds: 0 };
    return { work, swept, reconciled: round.charges + round.refunds };
  }

  async #loop(options: z.output<typeof WorkerOptions>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let busy = false;
      try {
        const now = Date.now();
        const sweepDue = now - this.#lastSweep >= options.sweepEveryMs;
        if (sweepDue) this.#lastSweep = now;
        const round = await this.#round(options, sweepDue);
        // A full batch means more is probably waiting: go again at once.
        busy =
          round.work >= options.batchSize ||
          round.swept >= options.sweepBatchSize ||
          round.reconciled >= options.batchSize;
      } catch (error) {
        // A database outage: log and try again after the pause, never crash the host.
        const failure = toCardBindingError(error);
        this.logger.warn(
          { event: 'worker.round_failed', code: failure.code },
          'worker round failed; retrying',
        );
      }
      if (!busy) await pause(options.idleMs, signal);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
