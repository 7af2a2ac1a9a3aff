import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { type HostAppEnv, type HostAppEnvInput, parseHostAppEnv } from './config.js';
import { bundleBrowserScript } from './browser-bundle.js';
import { startProviders, type EmulatorOptions, type StartedProviders } from './emulators.js';
import { startHostApp, type RunningHostApp, type StartHostAppOptions } from './host-app.js';
import { DataFolder } from './storage/data-folder.js';
import { DEFAULT_DATA_DIR, type DemoStorage, memoryStorage, openStorage } from './storage/open-storage.js';
import { newTokenKeyText, TokenKeyList } from './token-keys.js';

export interface RunningDemo {
  readonly url: string;
  readonly host: RunningHostApp;
  readonly providers: StartedProviders;
  /** Where bindings, cards and sessions live, in words (for the startup lines). */
  readonly storage: string;
  close(): Promise<void>;
}

export interface StartDemoOptions extends Pick<
  StartHostAppOptions,
  'logStream' | 'requestLog' | 'sessionStore' | 'now'
> {
  emulators?: EmulatorOptions;
  /** A bundle made earlier (tests start several apps and bundle once). */
  script?: string;
  /**
   * `memory`: bindings, cards and sessions in this process only, and no data folder: for the tests of
   * routes and pages, which start many apps and need none of it to last. Default: what the environment
   * says (`DATABASE_URL`, else PGlite in `CARDBIND_DATA_DIR`).
   */
  storage?: 'memory';
}

/**
 * Everything `pnpm demo` runs: the environment parsed, the storage opened (PGlite in the data folder, or
 * the PostgreSQL server at `DATABASE_URL`), the emulators of the providers that have no sandbox
 * configured, the page's script bundled, and the host app listening with its worker running.
 */
export async function startDemo(
  envInput: Record<string, string | undefined> | HostAppEnvInput,
  options: StartDemoOptions = {},
): Promise<RunningDemo> {
  const parsed = parseHostAppEnv(envInput);
  const folder =
    options.storage === 'memory'
      ? undefined
      : new DataFolder(resolve(parsed.CARDBIND_DATA_DIR ?? DEFAULT_DATA_DIR));
  const env = folder === undefined ? parsed : await withDemoKeys(parsed, folder);
  const now = options.now === undefined ? {} : { now: options.now };

  const [script, providers, storage] = await Promise.allSettled([
    options.script ?? bundleBrowserScript(),
    startProviders(env, { ...options.emulators, ...(folder === undefined ? {} : { remember: folder }) }),
    openDemoStorage(env, folder, now),
  ]);
  if (script.status === 'rejected' || providers.status === 'rejected' || storage.status === 'rejected') {
    await Promise.all([
      providers.status === 'fulfilled' ? providers.value.close() : undefined,
      storage.status === 'fulfilled' ? storage.value.close() : undefined,
    ]);
    const failed = [script, providers, storage].find((result) => result.status === 'rejected');
    throw failed?.reason;
  }

  let host: RunningHostApp;
  try {
    host = await startHostApp({
      env,
      providers: providers.value.settings,
      script: script.value,
      store: storage.value.store,
      ...(storage.value.chargeStore === undefined ? {} : { chargeStore: storage.value.chargeStore }),
      sessionStore: options.sessionStore ?? storage.value.sessions,
      ...(providers.value.testCards === undefined ? {} : { testCards: providers.value.testCards }),
      ...(options.logStream === undefined ? {} : { logStream: options.logStream }),
      ...(options.requestLog === undefined ? {} : { requestLog: options.requestLog }),
      ...now,
    });
  } catch (error) {
    await Promise.all([providers.value.close(), storage.value.close()]);
    throw error;
  }
  providers.value.connectNotifications(host.url);
  return {
    url: host.url,
    host,
    providers: providers.value,
    storage: storage.value.description,
    async close() {
      // The app and its worker first: they use the store until their last step is done.
      await host.close();
      await storage.value.close();
      await providers.value.close();
    },
  };
}

function openDemoStorage(
  env: HostAppEnv,
  folder: DataFolder | undefined,
  now: { now?: () => number },
): Promise<DemoStorage> {
  if (folder === undefined) return Promise.resolve(memoryStorage(now));
  // withDemoKeys filled this in, from the environment or the data folder.
  if (env.CARDBIND_TOKEN_KEYS === undefined) throw new Error('no token keys');
  return openStorage({ databaseUrl: env.DATABASE_URL, folder, keys: env.CARDBIND_TOKEN_KEYS, ...now });
}

/**
 * The keys the environment leaves unset, generated on the first run and kept in the data folder
 * (owner-only files), so a restarted demo reads its cards and keeps its customers logged in. Production
 * never gets here without them: the config refuses to start without CARDBIND_TOKEN_KEYS and a session key.
 */
async function withDemoKeys(env: HostAppEnv, folder: DataFolder): Promise<HostAppEnv> {
  let keys = env.CARDBIND_TOKEN_KEYS;
  if (keys === undefined) {
    const file = TokenKeyList.safeParse(await folder.secret('token-keys', () => newTokenKeyText('demo-1')));
    if (!file.success) {
      throw new Error(
        `${folder.path}/token-keys is not in the CARDBIND_TOKEN_KEYS format; restore it, or start a new data folder`,
      );
    }
    keys = file.data;
  }
  const sessionSecret =
    env.SESSION_SECRET === undefined && env.SESSION_SECRETS === undefined
      ? await folder.secret('session-secret', () => randomBytes(32).toString('base64url'))
      : env.SESSION_SECRET;
  return {
    ...env,
    CARDBIND_TOKEN_KEYS: keys,
    ...(sessionSecret === undefined ? {} : { SESSION_SECRET: sessionSecret }),
  };
}
