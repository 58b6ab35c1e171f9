import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BeckonConfig, requireConfig } from '@beckon/config';
import { EngineModule } from './engine.module';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export async function createEngineApp(config: BeckonConfig): Promise<INestApplication> {
  // Marketing mail without a working one-click unsubscribe link must never be produced.
  requireConfig(config, ['UNSUBSCRIBE_SECRET'], 'the engine');
  const app = await NestFactory.create(EngineModule.forRoot(config), {
    logger: LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1),
  });
  app.enableShutdownHooks();
  return app;
}
