import { Logger } from '@nestjs/common';
import { loadConfig, requireConfig } from '@beckon/config';
import { prepareDatabase } from '@beckon/persistence';
import { createEmailApp } from './email.app';

async function main(): Promise<void> {
  const config = loadConfig();
  requireConfig(config, ['SMTP_URL', 'MAIL_FROM'], 'email service');
  await prepareDatabase(config.DATABASE_URL);
  const app = await createEmailApp(config);
  app.enableShutdownHooks();
  Logger.log(`email service listening on ${await app.getUrl()}`, 'Bootstrap');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
