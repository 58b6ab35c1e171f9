import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig } from '@beckon/config';
import { dataSourceOptions, ensureDatabase, runMigrations } from '@beckon/persistence';
import { createEngineApp } from './create-engine-app';

async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const migrator = new DataSource(dataSourceOptions(config.DATABASE_URL, 2));
  await migrator.initialize();
  await runMigrations(migrator);
  await migrator.destroy();

  const app = await createEngineApp(config);
  await app.listen(config.SERVICE_PORT ?? 3001, config.HOST);
  Logger.log(`engine listening on ${await app.getUrl()}`, 'Engine');
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
