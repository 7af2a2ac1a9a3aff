import { type HostAppEnvInput, parseHostAppEnv } from './config.js';
import { bundleBrowserScript } from './browser-bundle.js';
import { startProviders, type EmulatorOptions, type StartedProviders } from './emulators.js';
import { startHostApp, type RunningHostApp, type StartHostAppOptions } from './host-app.js';

export interface RunningDemo {
  readonly url: string;
  readonly host: RunningHostApp;
  readonly providers: StartedProviders;
  close(): Promise<void>;
}

export interface StartDemoOptions extends Pick<
  StartHostAppOptions,
  'logStream' | 'requestLog' | 'sessionStore' | 'now'
> {
  emulators?: EmulatorOptions;
  /** A bundle made earlier (tests start several apps and bundle once). */
  script?: string;
}

/**
 * Everything `pnpm demo` runs: the environment parsed, the emulators of the providers that have no
 * sandbox configured, the page's script bundled, and the host app listening.
 */
export async function startDemo(
  envInput: Record<string, string | undefined> | HostAppEnvInput,
  options: StartDemoOptions = {},
): Promise<RunningDemo> {
  const env = parseHostAppEnv(envInput);
  const [script, providers] = await Promise.all([
    options.script ?? bundleBrowserScript(),
    startProviders(env, options.emulators),
  ]);
  let host: RunningHostApp;
  try {
    host = await startHostApp({
      env,
      providers: providers.settings,
      script,
      ...(providers.testCards === undefined ? {} : { testCards: providers.testCards }),
      ...(options.logStream === undefined ? {} : { logStream: options.logStream }),
      ...(options.requestLog === undefined ? {} : { requestLog: options.requestLog }),
      ...(options.sessionStore === undefined ? {} : { sessionStore: options.sessionStore }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  } catch (error) {
    await providers.close();
    throw error;
  }
  providers.connectNotifications(host.url);
  return {
    url: host.url,
    host,
    providers,
    async close() {
      await host.close();
      await providers.close();
    },
  };
}
