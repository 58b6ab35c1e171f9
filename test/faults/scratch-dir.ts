import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The suite's temporary directory and the processes it owns. Every process the suite starts is
 * written to `pids`; a detached reaper waits for the test process to end and then kills whatever
 * is still listed and removes the directory, so even a jest killed mid-run leaves no PostgreSQL,
 * broker or service behind. A clean run removes the directory itself and the reaper finds nothing.
 */
export interface ScratchDir {
  readonly path: string;
  /** Records a process to kill if the suite ends without stopping it. */
  own(pid: number): void;
  remove(): void;
}

export function createScratchDir(): ScratchDir {
  const path = mkdtempSync(join(tmpdir(), 'beckon-faults-'));
  // PostgreSQL runs as the postgres user and must reach its data directory inside.
  chmodSync(path, 0o755);
  const pids = join(path, 'pids');
  writeFileSync(pids, '');
  const reaper = spawn(
    'bash',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
       [ -d "$1" ] || exit 0
       for pid in $(cat "$1/pids"); do kill -9 "$pid" 2>/dev/null; done
       rm -rf "$1"`,
      'reaper',
      path,
    ],
    { detached: true, stdio: 'ignore' },
  );
  reaper.unref();
  return {
    path,
    own: (pid) => appendFileSync(pids, `${pid}\n`),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
