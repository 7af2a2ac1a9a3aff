import { access, constants, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Where Debian's `postgresql` package puts each major version's server programs: `<root>/<major>/bin`. */
export const DEBIAN_POSTGRES_ROOTS: readonly string[] = ['/usr/lib/postgresql'];

export interface PostgresBinaries {
  /** The folder that holds `initdb`, `pg_ctl` and `postgres`. */
  dir: string;
  major: number;
  initdb: string;
  pgCtl: string;
}

/**
 * The newest installed server programs under `roots`, or undefined when none is installed. Only
 * folders with both `initdb` and `pg_ctl` count: Debian's `postgresql-client` alone ships neither.
 */
export async function findPostgresBinaries(
  roots: readonly string[] = DEBIAN_POSTGRES_ROOTS,
): Promise<PostgresBinaries | undefined> {
  const found: PostgresBinaries[] = [];
  for (const root of roots) {
    const versions = await readdir(root).catch(() => []);
    for (const version of versions) {
      const major = Number.parseInt(version, 10);
      if (!Number.isInteger(major)) continue;
      const dir = join(root, version, 'bin');
      const initdb = join(dir, 'initdb');
      const pgCtl = join(dir, 'pg_ctl');
      if ((await isExecutable(initdb)) && (await isExecutable(pgCtl)))
        found.push({ dir, major, initdb, pgCtl });
    }
  }
  return found.sort((a, b) => b.major - a.major)[0];
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}
