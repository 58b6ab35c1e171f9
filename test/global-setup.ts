import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { prepareDatabase } from '../libs/persistence/src/data-source';
import { TEMPLATE_DATABASE_URL } from './support/test-env';

/** Brings up the real stack once per run: the project's own Kafka and a migrated template database. */
export default async function globalSetup(): Promise<void> {
  execFileSync('bash', [join(__dirname, '..', 'scripts', 'kafka.sh'), 'start'], { stdio: 'inherit' });
  await prepareDatabase(TEMPLATE_DATABASE_URL);
  const db = new Client({ connectionString: TEMPLATE_DATABASE_URL });
  await db.connect();
  try {
    // Test databases start with caps and quiet hours off, so trigger and delivery tests depend neither
    // on the time of day nor on each other's messages; test/caps.e2e-spec.ts puts the caps it tests.
    await db.query(
      `INSERT INTO cap_settings (id, rules, quiet_hours, default_timezone) VALUES (true, '[]', NULL, 'UTC')
       ON CONFLICT (id) DO UPDATE SET rules = '[]', quiet_hours = NULL, default_timezone = 'UTC'`,
    );
  } finally {
    await db.end();
  }
}
