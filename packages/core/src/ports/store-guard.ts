import { CardBindingError } from '../errors.js';
import { redactText } from '../redaction/redact.js';

/**
 * Wraps one store method so that its failures (a database down, a driver error) reach callers as a
 * retryable STORE_UNAVAILABLE CardBindingError, like every other cardbind failure. The driver's error
 * is kept as a redacted summary only: SQL errors quote the values they failed on.
 */
export function storeGuard(storeName: string) {
  return <Args extends unknown[], Result>(name: string, call: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      try {
        return await call(...args);
      } catch (error) {
        if (error instanceof CardBindingError) throw error;
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        // STORE_UNAVAILABLE is retryable by default (errors.ts).
        throw new CardBindingError('STORE_UNAVAILABLE', `The ${storeName} failed (${name})`, {
          cause: new Error(redactText(detail)),
        });
      }
    };
}
