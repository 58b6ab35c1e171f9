import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { DISPATCH_STATUSES } from '@beckon/contracts';
import { CHANNELS } from '@beckon/rules';
import { publicDir } from '../common/asset-dir';

export interface DashboardAsset {
  body: string;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Chart.js's UMD build from node_modules (no CDN: the page must work on a machine without internet). */
function chartUmdPath(): string {
  return join(dirname(require.resolve('chart.js')), 'chart.umd.js');
}

const options = (values: readonly string[]): string =>
  values.map((value) => `<option value="${value}">${value}</option>`).join('');

/** The page's status and channel choices come from the same lists the API validates against. */
function renderIndex(html: string): string {
  return html
    .replaceAll('<!--status-options-->', options(DISPATCH_STATUSES))
    .replaceAll('<!--channel-options-->', options(CHANNELS));
}

/**
 * Every file the dashboard serves, read once at start-up: a handful of small files, and a missing
 * one stops the API at boot rather than showing ops a broken page later.
 */
export function loadDashboardAssets(): Map<string, DashboardAsset> {
  const dir = publicDir(__dirname, 'index.html');
  const files = readdirSync(dir)
    .filter((name) => CONTENT_TYPES[extname(name)] !== undefined)
    .map((name): [string, string] => [name, join(dir, name)]);
  files.push(['chart.umd.js', chartUmdPath()]);
  return new Map(
    files.map(([name, path]) => {
      const body = readFileSync(path, 'utf8');
      return [
        name,
        { body: name === 'index.html' ? renderIndex(body) : body, contentType: CONTENT_TYPES[extname(name)] },
      ];
    }),
  );
}
