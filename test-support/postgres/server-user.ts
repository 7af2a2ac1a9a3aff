import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Who runs a throwaway cluster's programs. PostgreSQL refuses to start as root, so as root they run
 * as Debian's `postgres` user (created by the `postgresql` package); anyone else runs them as themselves.
 */
export interface ServerUser {
  /** Set when the programs run as another user: the temp folder must then belong to that user. */
  owner?: { name: string; uid: number; gid: number };
  run(program: string, args: readonly string[], options?: { timeoutMs?: number }): Promise<string>;
}

const SERVER_USER_NAME = 'postgres';

export async function serverUser(): Promise<ServerUser> {
  if (process.getuid?.() !== 0)
    return { run: (program, args, options) => runProgram(program, args, options) };
  const uid = await idOf('-u');
  const gid = await idOf('-g');
  // runuser (util-linux) needs no password and no login shell; su is the fallback where it is missing.
  const viaRunuser = await access('/usr/sbin/runuser', constants.X_OK).then(
    () => true,
    () => false,
  );
  return {
    owner: { name: SERVER_USER_NAME, uid, gid },
    run: (program, args, options) =>
      viaRunuser
        ? runProgram('/usr/sbin/runuser', ['-u', SERVER_USER_NAME, '--', program, ...args], options)
        : runProgram(
            'su',
            [SERVER_USER_NAME, '-s', '/bin/sh', '-c', [program, ...args].map(shellQuote).join(' ')],
            options,
          ),
  };
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  const output = await runProgram('id', [flag, SERVER_USER_NAME]).catch(() => {
    throw new Error(
      `PostgreSQL refuses to run as root and there is no "${SERVER_USER_NAME}" user to run it as; ` +
        `installing Debian's postgresql package creates it (apt-get install -y postgresql)`,
    );
  });
  return Number.parseInt(output.trim(), 10);
}

async function runProgram(
  program: string,
  args: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<string> {
  try {
    // cwd "/": the server user may not be allowed into the caller's working directory.
    const { stdout } = await run(program, [...args], { cwd: '/', timeout: options.timeoutMs ?? 60_000 });
    return stdout;
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null ? Reflect.get(error, 'stderr') : undefined;
    const detail = typeof stderr === 'string' && stderr.trim() !== '' ? `: ${stderr.trim()}` : '';
    throw new Error(`${program} ${args.join(' ')} failed${detail}`, { cause: error });
  }
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
