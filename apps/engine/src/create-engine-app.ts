import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BeckonConfig, requireConfig } from '@beckon/config';
import { loggerFor, ServiceAppOptions } from '@beckon/observability';
import { EngineModule } from './engine.module';

/** Builds and initialises the engine (its consumer, timers and scans start) without listening. */
export async function createEngineApp(
  config: BeckonConfig,
  options: ServiceAppOptions = {},
): Promise<INestApplication> {
  // Marketing mail without a working one-click unsubscribe link must never be produced.
  requireConfig(config, ['UNSUBSCRIBE_SECRET'], 'the engine');
  const logger = loggerFor('engine', config, options);
  // Initialised inside run(), so the consumer, timers and scans it starts log as the engine.
  return logger.run(async () => {
    const app = await NestFactory.create(EngineModule.forRoot(config), { logger });
    app.enableShutdownHooks();
    await app.init();
    return app;
  });
}
