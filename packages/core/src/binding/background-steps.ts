import type { CardBindingProvider } from '../provider.js';
import type { Logger } from '../ports/logger.js';
import { toCardBindingError } from '../to-card-binding-error.js';

export type BackgroundStep = 'after_success' | 'after_failure';

/**
 * Runs a provider's after-transition step without holding up the caller (a callback must be answered
 * quickly); `settled()` waits for them. A failure is logged and never touches the binding.
 */
export class BackgroundSteps {
  readonly #running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(
    provider: CardBindingProvider,
    bindingId: string,
    step: BackgroundStep,
    call: () => Promise<void> | undefined,
  ): void {
    const task = (async () => {
      try {
        await call();
      } catch (error) {
        const failure = toCardBindingError(error);
        this.logger.error(
          { event: `binding.${step}_failed`, provider: provider.id, bindingId, code: failure.code },
          `${step.replace('_', '-')} step failed`,
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
