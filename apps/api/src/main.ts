import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BeckonConfig, ConfigError, loadConfig } from '@beckon/config';
import { dataSourceOptions, ensureDatabase, runMigrations } from '@beckon/persistence';
import { createApiApp } from './create-api-app';

const logger = new Logger('api');

function configOrExit(): BeckonConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A wrong variable is an operator's mistake: say which one, without a stack trace.
    console.error(error.message);
    process.exit(1);
  }
}

/** Every service migrates on start (under an advisory lock), so the API never runs against an older schema. */
async function prepareDatabase(config: BeckonConfig): Promise<void> {
  await ensureDatabase(config.DATABASE_URL);
  // Two connections: runMigrations holds one for the advisory lock while the migrations run on the other.
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL, 2));
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);
  } finally {
    await dataSource.destroy();
  }
}

async function bootstrap(): Promise<void> {
  const config = configOrExit();
  await prepareDatabase(config);
  const app = await createApiApp(config);
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  logger.log(`REST API listening on ${await app.getUrl()} (OpenAPI at /docs)`);
}

bootstrap().catch((error: unknown) => {
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
