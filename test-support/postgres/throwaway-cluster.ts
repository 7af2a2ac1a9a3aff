import { appendFile, chown, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPostgresBinaries, type PostgresBinaries, DEBIAN_POSTGRES_ROOTS } from './postgres-binaries.js';
import { isProcessAlive } from './process-alive.js';
import { serverUser, type ServerUser } from './server-user.js';

export interface ThrowawayCluster {
  /** A superuser URL (trust auth, loopback only). */
  readonly url: string;
  readonly port: number;
  /** The temp folder holding the data directory, the socket and the server log. */
  readonly dir: string;
  readonly binaries: PostgresBinaries;
  /** Stops the server and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ThrowawayClusterOptions {
  /** Where to look for `<major>/bin/initdb`; Debian's layout by default. */
  binaryRoots?: readonly string[];
}

const DIR_PREFIX = 'cardbind-pg-';
const OWNER_FILE = 'owner.pid';
const START_ATTEMPTS = 3;

// Nothing in a throwaway cluster has to survive a crash of the machine, so durability is traded for
// speed; loopback only, and the socket in the cluster's own folder (the server user may not write
// /var/run/postgresql). Enough connections for every fork's pool at once.
const SETTINGS = (dir: string): string =>
  [
    '',
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_connections = 300',
    '',
  ].join('\n');

/**
 * Creates and starts a PostgreSQL cluster of its own in a temp folder, on a free loopback port, from
 * the server programs Debian's `postgresql` package installs. As root the cluster runs as the
 * `postgres` user, because PostgreSQL refuses to run as root.
 */
export async function startThrowawayCluster(
  options: ThrowawayClusterOptions = {},
): Promise<ThrowawayCluster> {
  const roots = options.binaryRoots ?? DEBIAN_POSTGRES_ROOTS;
  const binaries = await findPostgresBinaries(roots);
  if (!binaries) {
    throw new Error(
      `no PostgreSQL server programs (initdb, pg_ctl) under ${roots.join(', ') || '(no folder)'}`,
    );
  }
  const user = await serverUser();
  await removeAbandonedClusters(binaries, user);

  const dir = await mkdtemp(join(tmpdir(), DIR_PREFIX));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await writeFile(join(dir, OWNER_FILE), String(process.pid));
    if (user.owner) await chown(dir, user.owner.uid, user.owner.gid);
    await user.run(binaries.initdb, [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    await appendFile(join(data, 'postgresql.conf'), SETTINGS(dir));
    const port = await startOnFreePort(binaries, user, data, log);
    let stopped: Promise<void> | undefined;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      dir,
      binaries,
      stop: () => (stopped ??= stopCluster(binaries, user, data).finally(remove)),
    };
  } catch (error) {
    await stopCluster(binaries, user, data).catch(() => undefined);
    await remove();
    throw error;
  }
}

async function startOnFreePort(
  binaries: PostgresBinaries,
  user: ServerUser,
  data: string,
  log: string,
): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    // Another process may take the port between our probe and the server's bind: then try another.
    const port = await freeLoopbackPort();
    try {
      await user.run(binaries.pgCtl, ['-D', data, '-l', log, '-w', '-t', '30', '-o', `-p ${port}`, 'start']);
      return port;
    } catch (error) {
      const serverLog = await readFile(log, 'utf8').catch(() => '');
      if (attempt < START_ATTEMPTS && /could not bind|already in use/i.test(serverLog)) continue;
      throw new Error(`the throwaway PostgreSQL cluster did not start; its log ends:\n${tail(serverLog)}`, {
        cause: error,
      });
    }
  }
}

async function stopCluster(binaries: PostgresBinaries, user: ServerUser, data: string): Promise<void> {
  const running = await stat(join(data, 'postmaster.pid')).then(
    () => true,
    () => false,
  );
  if (!running) return;
  await user
    .run(binaries.pgCtl, ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'])
    .catch(() => user.run(binaries.pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']));
}

/**
 * A test run killed before its teardown leaves its cluster running; the next run stops and removes
 * every cluster whose owning process is gone, so they never pile up on a developer's machine.
 */
async function removeAbandonedClusters(binaries: PostgresBinaries, user: ServerUser): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => []);
  for (const entry of entries.filter((name) => name.startsWith(DIR_PREFIX))) {
    const dir = join(tmpdir(), entry);
    const owner = Number.parseInt(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''), 10);
    // No owner file yet: another run is creating this cluster right now.
    if (!Number.isInteger(owner) || isProcessAlive(owner)) continue;
    await stopCluster(binaries, user, join(dir, 'data')).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no loopback port was free');
  return address.port;
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n') || '(empty)';
}
