import { Client } from 'pg';
import { prepareDatabase } from '@beckon/persistence';

/** PostgreSQL URL the database benches drop and create their databases with. */
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A bench's own database on the admin URL's server. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropBenchDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Drops what a previous run left and creates the database migrated, as a service's start-up would;
 * resolves with the migrations applied.
 */
export async function freshBenchDatabase(name: string): Promise<string[]> {
  await dropBenchDatabase(name);
  return prepareDatabase(benchDatabaseUrl(name));
}

export const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
