import { Fault, type FaultInput } from './fault.js';

interface Armed {
  fault: Fault;
  /** How many more requests it hits; Infinity until cleared. */
  remaining: number;
  /** Requests to let through before it starts hitting. */
  skip: number;
}

/**
 * Faults armed per route (an emulator names routes by command, e.g. `Init`, or by path). Each request
 * asks `take(route)`; an armed fault is consumed per hit, so "fail the first two, then recover" is
 * `arm('GetList', fault, { times: 2 })`.
 */
export class FaultSwitchboard {
  readonly #armed = new Map<string, Armed[]>();
  readonly #hits = new Map<string, number>();

  arm(route: string, fault: FaultInput, options: { times?: number; after?: number } = {}): this {
    const list = this.#armed.get(route) ?? [];
    list.push({ fault: Fault.parse(fault), remaining: options.times ?? Infinity, skip: options.after ?? 0 });
    this.#armed.set(route, list);
    return this;
  }

  clear(route?: string): void {
    if (route === undefined) this.#armed.clear();
    else this.#armed.delete(route);
  }

  /** The fault for this request on `route`, if one is armed; counts the request either way. */
  take(route: string): Fault | undefined {
    this.#hits.set(route, (this.#hits.get(route) ?? 0) + 1);
    return this.#consume([route, '*']);
  }

  /**
   * Like `take`, for an HTTP path: a route armed as a path prefix (`/api/`, or `/` for everything)
   * matches every path under it, the longest prefix first. Counts the request under its path.
   */
  takeByPrefix(path: string): Fault | undefined {
    this.#hits.set(path, (this.#hits.get(path) ?? 0) + 1);
    const prefixes = [...this.#armed.keys()]
      .filter((key) => key !== '*' && path.startsWith(key))
      .sort((a, b) => b.length - a.length);
    return this.#consume([...prefixes, '*']);
  }

  #consume(keys: readonly string[]): Fault | undefined {
    for (const key of keys) {
      const list = this.#armed.get(key);
      if (!list) continue;
      for (const armed of list) {
        if (armed.skip > 0) {
          armed.skip--;
          continue;
        }
        if (armed.remaining <= 0) continue;
        armed.remaining--;
        return armed.fault;
      }
    }
    return undefined;
  }

  /** Requests seen per route, faulted or not. */
  hits(route: string): number {
    return this.#hits.get(route) ?? 0;
  }
}
