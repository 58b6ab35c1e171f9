import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BeckonConfig, logLevels, requireConfig } from '@beckon/config';
import { EngineModule } from './engine.module';

export async function createEngineApp(config: BeckonConfig): Promise<INestApplication> {
  // Marketing mail without a working one-click unsubscribe link must never be produced.
  requireConfig(config, ['UNSUBSCRIBE_SECRET'], 'the engine');
  const app = await NestFactory.create(EngineModule.forRoot(config), {
    logger: logLevels(config.LOG_LEVEL),
  });
  app.enableShutdownHooks();
  return app;
}
