import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureDatabase, runMigrations } from '../libs/persistence/src/data-source';
import { TEMPLATE_DATABASE_URL } from './support/test-env';

/** Brings up the real stack once per run: the project's own Kafka and a migrated template database. */
export default async function globalSetup(): Promise<void> {
  execFileSync('bash', [join(__dirname, '..', 'scripts', 'kafka.sh'), 'start'], { stdio: 'inherit' });
  await ensureDatabase(TEMPLATE_DATABASE_URL);
  const dataSource = new DataSource(dataSourceOptions(TEMPLATE_DATABASE_URL, 2));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
