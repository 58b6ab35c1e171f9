import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ScratchDir } from './scratch-dir';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A PostgreSQL cluster of the suite's own, so restarting it disturbs no one else's tests. */
export interface OwnPostgres {
  readonly port: number;
  readonly url: string;
  /** Stops the way a crash does (immediate: no checkpoint, recovery on start) and starts again. */
  restart(): void;
  stop(): void;
}

export async function startOwnPostgres(scratch: ScratchDir): Promise<OwnPostgres> {
  const port = await freePort();
  const dataDir = join(scratch.path, 'postgres');
  // Inside the data directory: the postgres user may write there.
  const logFile = join(dataDir, 'server.log');
  mkdirSync(dataDir, { mode: 0o700 });
  // initdb refuses to run as root: as root, the cluster belongs to the postgres user.
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const postgresUser = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const postgresGroup = execFileSync('id', ['-g', 'postgres']).toString().trim();
    chownSync(dataDir, Number(postgresUser), Number(postgresGroup));
  }
  const run = (command: string, args: string[]) =>
    execFileSync(
      asRoot ? 'runuser' : join(BIN, command),
      asRoot ? ['-u', 'postgres', '--', join(BIN, command), ...args] : args,
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  // Durability against power loss is not under test (an immediate stop keeps the OS cache): fsync off is faster.
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () => {
    run('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
    scratch.own(postmasterPid(dataDir));
  };
  const stop = () => {
    if (existsSync(join(dataDir, 'postmaster.pid'))) run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
  };
  start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart() {
      stop();
      start();
    },
    stop,
  };
}

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}
