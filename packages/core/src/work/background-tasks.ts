import type { Logger } from '../ports/logger.js';
import { toCardBindingError } from '../to-card-binding-error.js';

/**
 * Runs work without holding up the caller (a callback must be answered quickly); `settled()` waits
 * for it. A failure is logged with the given fields and never reaches the caller.
 */
export class BackgroundTasks {
  readonly #running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(fields: Readonly<Record<string, string>>, call: () => Promise<void>): void {
    const task = (async () => {
      try {
        await call();
      } catch (error) {
        const failure = toCardBindingError(error);
        this.logger.error(
          { event: 'background.failed', ...fields, code: failure.code },
          'background step failed',
        );
      }
    })();
    this.#running.add(task);
    void task.finally(() => this.#running.delete(task));
  }

  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
