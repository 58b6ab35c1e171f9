import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * State for the sleeping-customer, birthday, consumable-reorder and back-in-stock triggers. Every
 * time-based moment lives in an indexed column the moment scanner walks incrementally; nothing is
 * scheduled far ahead of its time.
 */
export class MomentTriggers1764200000000 implements MigrationInterface {
  name = 'MomentTriggers1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // Order history per customer, from Order Completed event timestamps (the customer's real history).
    await q.query(`
      ALTER TABLE customers
        ADD COLUMN last_order_at timestamptz,
        ADD COLUMN order_count integer NOT NULL DEFAULT 0,
        ADD COLUMN birthday_md smallint
          GENERATED ALWAYS AS ((EXTRACT(MONTH FROM birthday) * 100 + EXTRACT(DAY FROM birthday))::smallint) STORED`);
    // Sleep scan: customers in order of their last order, keyset-paged; order_count rides along so the
    // scan (maxOrders) is answered from the index alone.
    await q.query(
      `CREATE INDEX customers_last_order ON customers (last_order_at, id) INCLUDE (order_count)
       WHERE last_order_at IS NOT NULL AND merged_into IS NULL`,
    );
    // Birthday scan: the customers celebrating on a given month-day.
    await q.query(
      `CREATE INDEX customers_birthday_md ON customers (birthday_md) WHERE birthday IS NOT NULL AND merged_into IS NULL`,
    );

    await q.query(`
      CREATE TABLE products (
        id text PRIMARY KEY,
        sku text,
        name text,
        price numeric(14,2),
        url text,
        image_url text,
        stock integer,
        stock_updated_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE stock_requests (
        id bigserial PRIMARY KEY,
        customer_id text NOT NULL,
        product_id text NOT NULL,
        status text NOT NULL DEFAULT 'open',
        requested_at timestamptz NOT NULL,
        notified_at timestamptz,
        closed_at timestamptz,
        close_reason text
      )`);
    await q.query(
      `CREATE UNIQUE INDEX stock_requests_one_open ON stock_requests (customer_id, product_id) WHERE status = 'open'`,
    );
    // Fan-out pages through a product's waiting list in id order.
    await q.query(`CREATE INDEX stock_requests_waiting ON stock_requests (product_id, id) WHERE status = 'open'`);

    // One row per product: a restock (re)starts its fan-out from the beginning of the waiting list.
    await q.query(`
      CREATE TABLE restock_fanouts (
        product_id text PRIMARY KEY,
        restocked_at timestamptz NOT NULL,
        cursor bigint NOT NULL DEFAULT 0,
        status text NOT NULL,
        scheduled integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX restock_fanouts_running ON restock_fanouts (updated_at) WHERE status = 'running'`);

    // The latest purchase of each product per customer; runs_out_at is known when the product said how long it lasts.
    await q.query(`
      CREATE TABLE reorder_clocks (
        id bigserial PRIMARY KEY,
        customer_id text NOT NULL,
        product_id text NOT NULL,
        order_id text NOT NULL,
        ordered_at timestamptz NOT NULL,
        supply_days integer,
        runs_out_at timestamptz,
        product jsonb NOT NULL DEFAULT '{}',
        UNIQUE (customer_id, product_id)
      )`);
    await q.query(
      `CREATE INDEX reorder_clocks_dated ON reorder_clocks (runs_out_at, id) WHERE runs_out_at IS NOT NULL`,
    );
    await q.query(`CREATE INDEX reorder_clocks_undated ON reorder_clocks (ordered_at, id) WHERE runs_out_at IS NULL`);

    // How far each time-based rule has walked its moments; claimed with SKIP LOCKED so instances share it.
    await q.query(`
      CREATE TABLE moment_scans (
        rule_id uuid NOT NULL,
        stream text NOT NULL,
        cursor_at timestamptz,
        cursor_key text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rule_id, stream)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['moment_scans', 'reorder_clocks', 'restock_fanouts', 'stock_requests', 'products']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP INDEX IF EXISTS customers_birthday_md`);
    await q.query(`DROP INDEX IF EXISTS customers_last_order`);
    await q.query(`ALTER TABLE customers DROP COLUMN birthday_md, DROP COLUMN order_count, DROP COLUMN last_order_at`);
  }
}
