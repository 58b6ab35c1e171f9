import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { MIGRATIONS } from '../libs/persistence/src/migrations';
import { dropTestDatabase, TEMPLATE_DATABASE_URL } from './support/test-env';

const ROOT = join(__dirname, '..');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run migrate` exactly as an operator runs it, against the given DATABASE_URL. */
async function npmRunMigrate(databaseUrl: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'migrate'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('npm run migrate', () => {
  const name = `beckon_t_migrate_${randomBytes(3).toString('hex')}`;
  const url = new URL(TEMPLATE_DATABASE_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();

  afterAll(() => dropTestDatabase(databaseUrl));

  async function query(sql: string): Promise<string[]> {
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      return (await db.query<{ value: string }>(sql)).rows.map((row) => row.value);
    } finally {
      await db.end();
    }
  }

  it('creates a missing database and applies every migration, in order', async () => {
    const outcome = await npmRunMigrate(databaseUrl);
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    const names = MIGRATIONS.map((migration) => migration.name);
    expect(outcome.stdout.trim()).toBe(`[migrate] ${name}: applied ${names.join(', ')}`);
    expect(await query('SELECT name AS value FROM migrations ORDER BY id')).toEqual(names);
    const tables = await query(`SELECT tablename AS value FROM pg_tables WHERE schemaname = 'public'`);
    expect(tables).toEqual(expect.arrayContaining(['rules', 'customers', 'dispatches', 'outbox', 'cap_settings']));
  });

  it('applies nothing to a database that is up to date', async () => {
    const outcome = await npmRunMigrate(databaseUrl);
    expect(outcome).toMatchObject({ code: 0, stdout: `[migrate] ${name}: up to date\n` });
    expect(await query('SELECT count(*)::text AS value FROM migrations')).toEqual([String(MIGRATIONS.length)]);
  });

  it('stops with the name of a wrong variable and no stack trace', async () => {
    const outcome = await npmRunMigrate('not-a-url');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('DATABASE_URL');
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
  });
});
