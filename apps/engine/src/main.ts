import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@beckon/config';
import { prepareDatabase } from '@beckon/persistence';
import { createEngineApp } from './create-engine-app';

async function main(): Promise<void> {
  const config = loadConfig();
  await prepareDatabase(config.DATABASE_URL);
  const app = await createEngineApp(config);
  await app.listen(config.SERVICE_PORT ?? 3001, config.HOST);
  Logger.log(`engine listening on ${await app.getUrl()}`, 'Engine');
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
