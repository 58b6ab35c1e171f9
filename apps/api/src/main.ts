import { Logger } from '@nestjs/common';
import { BeckonConfig, ConfigError, loadConfig } from '@beckon/config';
import { prepareDatabase } from '@beckon/persistence';
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

async function bootstrap(): Promise<void> {
  const config = configOrExit();
  // Every service migrates on start (under an advisory lock), so the API never runs against an older schema.
  const applied = await prepareDatabase(config.DATABASE_URL);
  if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);
  const app = await createApiApp(config);
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  logger.log(`REST API listening on ${await app.getUrl()} (OpenAPI at /docs)`);
}

bootstrap().catch((error: unknown) => {
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
