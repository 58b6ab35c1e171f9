import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicDir } from '../common/asset-dir';

/** The browser kit's files, by the name they are served under (/sdk/<name>). */
export const SDK_FILES = ['beckon.js', 'sw.js'] as const;
export type SdkFile = (typeof SDK_FILES)[number];

/** Both files, read once at start-up: two small scripts, and a missing one stops the API at boot. */
export function loadSdkAssets(): Map<string, string> {
  const dir = publicDir(__dirname, 'beckon.js');
  return new Map(SDK_FILES.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}
