import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BeckonConfig } from '@beckon/config';
import { loggerFor, ServiceAppOptions } from '@beckon/observability';
import { DeliveryConsumer } from './delivery-consumer';
import { DeliveryChannelName } from './delivery-ledger';

/** Creates a delivery application and serves its /health and /metrics on SERVICE_PORT (0: any free port). */
export async function startDeliveryApp(
  module: DynamicModule,
  config: BeckonConfig,
  service: DeliveryChannelName,
  options: ServiceAppOptions = {},
): Promise<INestApplication> {
  const logger = loggerFor(service, config, options);
  return logger.run(async () => {
    const app = await NestFactory.create(module, { logger, abortOnError: false });
    try {
      await app.listen(config.SERVICE_PORT ?? 0, config.HOST);
    } catch (err) {
      await app.close().catch(() => undefined);
      throw err;
    }
    return app;
  });
}

/** Whether the application's dispatch consumer has joined its group. */
export function isDeliveryReady(app: INestApplication): boolean {
  return app.get(DeliveryConsumer, { strict: false }).isReady;
}

/** Resolves once the dispatch consumer has joined its group. */
export async function waitUntilDeliveryReady(app: INestApplication, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isDeliveryReady(app)) {
    if (Date.now() > deadline) throw new Error(`delivery consumer not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
