import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

/**
 * Side experiment behind one of the suggestions of `npm run bench` (not part of it):
 *
 *   npx ts-node bench/timeline-insert-forms.ts
 *
 * The engine appends each batch to customer_events with six parallel arrays through unnest(); node-postgres
 * turns every array into a PostgreSQL array literal, escaping each JSON payload character by character.
 * The same rows sent as one JSON array (the payloads are already JSON text, so joining them needs no
 * escaping) and unpacked with jsonb_array_elements cost a fraction of the client CPU. Runs in a scratch
 * database that it drops afterwards.
 */

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'beckon_bench_scratch';
const ROWS = Number(process.env.ROWS ?? 9_000);
const ROUNDS = Number(process.env.ROUNDS ?? 8);

interface Row {
  messageId: string;
  customerId: string;
  type: string;
  event: string;
  timestamp: string;
  raw: string;
}

function batch(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const event = {
      type: 'track',
      messageId: randomUUID(),
      timestamp: new Date(Date.now() - i).toISOString(),
      userId: `bench-u${i % 4000}`,
      event: 'Product Viewed',
      properties: {
        product_id: `p${i % 2000}`,
        sku: `SKU-p${i}`,
        name: `Product p${i}`,
        price: 12.5,
        quantity: 1,
        url: `https://shop.example.com/p/p${i}`,
        image_url: `https://shop.example.com/img/p${i}.jpg`,
      },
    };
    return {
      messageId: event.messageId,
      customerId: event.userId,
      type: event.type,
      event: event.event,
      timestamp: event.timestamp,
      raw: JSON.stringify(event),
    };
  });
}

const forms: Record<string, (db: Client, rows: Row[]) => Promise<{ rowCount: number | null }>> = {
  'unnest of six arrays (the engine today)': (db, rows) =>
    db.query(
      `INSERT INTO customer_events (message_id, customer_id, type, event, occurred_at, payload)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
       ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [
        rows.map((r) => r.messageId),
        rows.map((r) => r.customerId),
        rows.map((r) => r.type),
        rows.map((r) => r.event),
        rows.map((r) => r.timestamp),
        rows.map((r) => r.raw),
      ],
    ),
  'one JSON array + customer ids': (db, rows) =>
    db.query(
      `INSERT INTO customer_events (message_id, customer_id, type, event, occurred_at, payload)
       SELECT p->>'messageId', o.c, p->>'type', p->>'event', (p->>'timestamp')::timestamptz, p
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(p, i)
       JOIN unnest($2::text[]) WITH ORDINALITY AS o(c, k) ON o.k = j.i
       ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [`[${rows.map((r) => r.raw).join(',')}]`, rows.map((r) => r.customerId)],
    ),
};

async function main(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${DATABASE}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  const db = new Client({ connectionString: url.toString() });
  try {
    await db.connect();
    await db.query(`CREATE TABLE customer_events (
        message_id text PRIMARY KEY, customer_id text, type text NOT NULL, event text,
        occurred_at timestamptz NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), payload jsonb NOT NULL)`);
    await db.query(`CREATE INDEX customer_events_customer ON customer_events (customer_id, occurred_at DESC)`);
    console.log(`${ROUNDS} statements of ${ROWS} rows each, alternating forms twice`);
    for (const name of [...Object.keys(forms), ...Object.keys(forms)]) {
      let wall = 0;
      let cpu = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const rows = batch(ROWS);
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const result = await forms[name](db, rows);
        wall += performance.now() - started;
        const used = process.cpuUsage(cpuBefore);
        cpu += (used.user + used.system) / 1000;
        if (result.rowCount !== ROWS) throw new Error(`${name}: ${result.rowCount} rows inserted`);
      }
      console.log(
        `  ${name.padEnd(40)} ${(wall / ROUNDS).toFixed(0).padStart(5)} ms/statement wall, ` +
          `${(cpu / ROUNDS).toFixed(0).padStart(4)} ms/statement node CPU`,
      );
    }
  } finally {
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
