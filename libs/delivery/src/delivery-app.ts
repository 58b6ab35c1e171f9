import { DynamicModule, INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { BeckonConfig } from '@beckon/config';
import { dataSourceOptions, ensureDatabase, runMigrations } from '@beckon/persistence';
import { DeliveryConsumer } from './delivery-consumer';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Nest's levels from the configured one: `warn` keeps fatal, error and warn. */
export function logLevels(level: BeckonConfig['LOG_LEVEL']): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/** Start-up for a service process: the database exists and is migrated before anything connects. */
export async function prepareDatabase(config: BeckonConfig): Promise<void> {
  await ensureDatabase(config.DATABASE_URL);
  // Two connections: runMigrations holds one for its advisory lock while the migrations run on another.
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL, 2));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Creates a delivery application and serves its /health on SERVICE_PORT (0: any free port). */
export async function startDeliveryApp(module: DynamicModule, config: BeckonConfig): Promise<INestApplication> {
  const app = await NestFactory.create(module, { logger: logLevels(config.LOG_LEVEL), abortOnError: false });
  try {
    await app.listen(config.SERVICE_PORT ?? 0, config.HOST);
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
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
