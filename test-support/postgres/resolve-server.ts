import { NoPostgresServerError } from './no-server-error.js';
import { describeUrl, PROBE_TIMEOUT_MS, probeServer } from './probe-server.js';
import { startThrowawayCluster } from './throwaway-cluster.js';

export const TEST_DATABASE_URL_VARIABLE = 'CARDBIND_TEST_DATABASE_URL';
/** The server the project's machines run (trust auth). */
export const LOCAL_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ResolvedServer {
  source: 'env' | 'local' | 'throwaway';
  /** A URL whose role may create databases; each test file gets its own database from it. */
  adminUrl: string;
  /** Stops what the resolution started (only a throwaway cluster); the other servers are left alone. */
  close(): Promise<void>;
}

export interface ResolveServerOptions {
  /** The value of CARDBIND_TEST_DATABASE_URL; `process.env`'s by default. */
  envUrl?: string | undefined;
  localUrl?: string;
  probeTimeoutMs?: number;
  /** Where a throwaway cluster's programs are looked for; Debian's layout by default. */
  binaryRoots?: readonly string[];
}

/**
 * Finds the PostgreSQL server for a test run: CARDBIND_TEST_DATABASE_URL when set (and then only
 * that: a URL someone chose that does not work is their mistake to see, not to paper over), else the
 * machine's own server on 127.0.0.1:5432, else a throwaway cluster started here. Fails with
 * NoPostgresServerError, which says how to get a server, when none of them works.
 */
export async function resolvePostgresServer(options: ResolveServerOptions = {}): Promise<ResolvedServer> {
  const timeoutMs = options.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
  const envUrl = 'envUrl' in options ? options.envUrl : process.env[TEST_DATABASE_URL_VARIABLE];
  const none = async (): Promise<void> => undefined;

  if (envUrl !== undefined && envUrl.trim() !== '') {
    const probe = await probeServer(envUrl, timeoutMs);
    if (probe.ok) return { source: 'env', adminUrl: envUrl, close: none };
    throw new NoPostgresServerError([
      `${TEST_DATABASE_URL_VARIABLE}=${describeUrl(envUrl)} does not work: ${probe.reason}`,
    ]);
  }

  const attempts: string[] = [`${TEST_DATABASE_URL_VARIABLE} is not set`];
  const localUrl = options.localUrl ?? LOCAL_SERVER_URL;
  const local = await probeServer(localUrl, timeoutMs);
  if (local.ok) return { source: 'local', adminUrl: localUrl, close: none };
  attempts.push(`${describeUrl(localUrl)}: ${local.reason}`);

  try {
    const cluster = await startThrowawayCluster(
      options.binaryRoots === undefined ? {} : { binaryRoots: options.binaryRoots },
    );
    return { source: 'throwaway', adminUrl: cluster.url, close: () => cluster.stop() };
  } catch (error) {
    attempts.push(`a throwaway cluster: ${error instanceof Error ? error.message : String(error)}`);
    throw new NoPostgresServerError(attempts);
  }
}
