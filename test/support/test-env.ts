import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { BeckonConfig, loadConfig } from '../../libs/config/src';
import { MIGRATIONS } from '../../libs/persistence/src/migrations';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/**
 * Named after the migrations (names and code), so checkouts with different schemas never share one
 * template, and a migration edited during development gets a fresh one.
 */
const schemaFingerprint = createHash('sha1')
  .update(MIGRATIONS.map((migration) => `${migration.name}:${migration.prototype.up.toString()}`).join('\n'))
  .digest('hex')
  .slice(0, 8);
export const TEMPLATE_DATABASE = `beckon_test_template_${schemaFingerprint}`;
export const TEMPLATE_DATABASE_URL = withDatabase(ADMIN_URL, TEMPLATE_DATABASE);
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A fresh database cloned from the migrated template, so each test file sees only its own rules
 * and customers and no test depends on another's leftovers.
 */
export async function createTestDatabase(label: string): Promise<string> {
  const name = `beckon_t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(ADMIN_URL, name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Configuration for one test file: its own database and its own topics and consumer groups. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): BeckonConfig {
  const run = randomBytes(4).toString('hex');
  return loadConfig({
    KAFKA_BROKERS,
    KAFKA_EVENTS_TOPIC: `test.${run}.storefront.events`,
    KAFKA_INTERNAL_PREFIX: `test.${run}`,
    KAFKA_CLIENT_ID: `beckon-test-${run}`,
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    API_KEYS: 'marketer:test-marketer-key,ops:test-ops-key',
    PORT: '0',
    MAIL_FROM: 'Beckon Shop <shop@example.com>',
    UNSUBSCRIBE_SECRET: 'test-unsubscribe-secret',
    PUBLIC_BASE_URL: 'https://shop.example.com',
    TIMER_POLL_MS: '100',
    OUTBOX_POLL_MS: '50',
    // Expected failures (dead letters, failed sends) log warnings; test output shows only errors.
    LOG_LEVEL: 'error',
    ...overrides,
  });
}
