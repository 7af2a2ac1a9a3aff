import type * as OpenTelemetry from '@opentelemetry/api';

/** `@opentelemetry/api`'s exports, as loaded. */
export type OtelApi = typeof OpenTelemetry;

let api: OtelApi | undefined;
let loading: Promise<OtelApi> | undefined;

/**
 * Loads `@opentelemetry/api` on the first traced operation instead of at `import('@cardbind/core')`:
 * its CommonJS build is some fifty files, about 30 ms of a cold start (docs/performance.md, scenario
 * 5), and a host that only imports core (a CLI, a migration) never needs it. The API keeps its state
 * on a global, so a host's SDK registered before or after this load is the one it reports to.
 */
export function loadOtelApi(): Promise<OtelApi> {
  loading ??= import('@opentelemetry/api').then((loaded) => (api = loaded));
  return loading;
}

/** The API once an operation has loaded it; spans and instruments only exist after that. */
export function loadedOtelApi(): OtelApi | undefined {
  return api;
}

/** Runs `use` with the API: at once when it is loaded (every operation after the first), else after the load. */
export function withOtelApi<T>(use: (loaded: OtelApi) => T | Promise<T>): Promise<T> {
  return api === undefined ? loadOtelApi().then(use) : Promise.resolve(use(api));
}
