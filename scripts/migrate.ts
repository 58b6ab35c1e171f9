/**
 * `npm run migrate`: creates the database DATABASE_URL names when it is missing and applies the
 * migrations it lacks. Every service does the same when it starts (under one advisory lock, so this
 * and starting services never migrate twice); running it first lets a deployment migrate before it
 * rolls out, and see the outcome. In the Docker image: node -r tsconfig-paths/register dist/scripts/migrate.js
 */
import { ConfigError, loadConfig } from '@beckon/config';
import { prepareDatabase } from '@beckon/persistence';

async function main(): Promise<void> {
  const { DATABASE_URL } = loadConfig(process.env);
  const database = decodeURIComponent(new URL(DATABASE_URL).pathname.slice(1));
  const applied = await prepareDatabase(DATABASE_URL);
  console.log(`[migrate] ${database}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`);
}

main().catch((error: unknown) => {
  // A wrong variable is an operator's mistake: say which one, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
