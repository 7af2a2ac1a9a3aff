/**
 * Joins concurrent calls with the same key onto one promise, so that a burst of polls or returns for
 * one binding in this process makes one provider call. Across processes the store's compare-and-set
 * decides; this only saves the provider the duplicate traffic.
 */
export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  run(key: string, call: () => Promise<T>): Promise<T> {
    const existing = this.#inFlight.get(key);
    if (existing) return existing;
    const promise = call().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, promise);
    return promise;
  }
}
