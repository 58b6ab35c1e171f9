import { Logger } from '@nestjs/common';
import { loadConfig, requireConfig } from '@beckon/config';
import { prepareDatabase } from '@beckon/persistence';
import { createWebPushApp } from './webpush.app';

async function main(): Promise<void> {
  const config = loadConfig();
  requireConfig(config, ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT'], 'web-push service');
  await prepareDatabase(config.DATABASE_URL);
  const app = await createWebPushApp(config);
  app.enableShutdownHooks();
  Logger.log(`web-push service listening on ${await app.getUrl()}`, 'Bootstrap');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
