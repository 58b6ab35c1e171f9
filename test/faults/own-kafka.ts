import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ScratchDir } from './scratch-dir';

const KAFKA_SCRIPT = join(__dirname, '..', '..', 'scripts', 'kafka.sh');
const KAFKA_VERSION = readFileSync(join(__dirname, '..', '..', 'config', 'kafka', 'version'), 'utf8').trim();
/** Where scripts/kafka.sh keeps the jars by default; the suite's broker borrows them instead of fetching again. */
const SHARED_KAFKA_HOME =
  process.env.BECKON_KAFKA_HOME ?? join(homedir(), '.cache', 'beckon', `kafka-${KAFKA_VERSION}`);

/** A broker of the suite's own (scripts/kafka.sh in a home of its own, on free ports), restartable at will. */
export interface OwnKafka {
  readonly brokers: string;
  /** Stops it gracefully and starts it again, as an operator's restart does. */
  restart(): void;
  /** Ends it at once, for the suite's cleanup. */
  kill(): void;
}

export async function startOwnKafka(scratch: ScratchDir): Promise<OwnKafka> {
  const [port, controllerPort] = [await freePort(), await freePort()];
  const home = join(scratch.path, 'kafka');
  const env = {
    ...process.env,
    BECKON_KAFKA_HOME: home,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
  };
  const kafka = (command: string, commandEnv: NodeJS.ProcessEnv = env) =>
    execFileSync('bash', [KAFKA_SCRIPT, command], { env: commandEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  // A fresh clone fetches the jars once, into the shared cache, exactly as `npm test` would.
  if (!existsSync(join(SHARED_KAFKA_HOME, 'libs', '.fetched')))
    kafka('fetch', { ...process.env, BECKON_KAFKA_HOME: SHARED_KAFKA_HOME });
  mkdirSync(home);
  symlinkSync(join(SHARED_KAFKA_HOME, 'libs'), join(home, 'libs'));
  const start = () => {
    kafka('start');
    scratch.own(Number(readFileSync(join(home, 'kafka.pid'), 'utf8').trim()));
  };
  start();
  return {
    brokers: `127.0.0.1:${port}`,
    restart() {
      kafka('stop');
      start();
    },
    kill() {
      const pidFile = join(home, 'kafka.pid');
      if (!existsSync(pidFile)) return;
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
