import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * Where a module's static files are. `tsc` copies no assets, so a compiled API (dist/apps/api/src/...)
 * falls back to the source tree next to it; the Docker image copies them beside the compiled code.
 * `marker` is a file that must be there: a missing one stops the API at boot, not at the first request.
 */
export function publicDir(moduleDir: string, marker: string): string {
  const beside = join(moduleDir, 'public');
  const source = join(moduleDir.replace(`${sep}dist${sep}apps${sep}`, `${sep}apps${sep}`), 'public');
  for (const dir of [beside, source]) if (existsSync(join(dir, marker))) return dir;
  throw new Error(`${marker} not found in ${beside} nor ${source}`);
}
