import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Proof of value: a rule's holdout share and attribution windows, the orders attributed to messages,
 * and the indexes the attribution and the dispatch log's filters need.
 */
export class Conversions1764410000000 implements MigrationInterface {
  name = 'Conversions1764410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rules
        ADD COLUMN holdout_percent numeric(4,2) NOT NULL DEFAULT 0 CHECK (holdout_percent BETWEEN 0 AND 50),
        ADD COLUMN attribution_windows jsonb NOT NULL DEFAULT '{}'`);

    // One row per attributed order: the primary key counts a redelivered order once. The dispatch's
    // own fields are copied so stats read this table alone, by the dispatch's created_at as the log counts it.
    await q.query(`
      CREATE TABLE conversions (
        order_id text PRIMARY KEY,
        dispatch_id uuid NOT NULL,
        rule_id uuid NOT NULL,
        step integer NOT NULL,
        channel text NOT NULL,
        customer_id text NOT NULL,
        revenue numeric(14,2),
        currency text,
        placed_at timestamptz NOT NULL,
        sent_at timestamptz NOT NULL,
        dispatch_created_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX conversions_by_dispatch_time ON conversions (dispatch_created_at)`);

    // Last touch: a customer's sent messages newest first. Partial, so only the update to 'sent' pays for it.
    await q.query(`CREATE INDEX dispatches_sent ON dispatches (customer_id, sent_at DESC) WHERE status = 'sent'`);
    // Suppression and failure reasons are filtered on by ops; most rows (sent, scheduled) have none.
    await q.query(`CREATE INDEX dispatches_reason ON dispatches (reason, created_at DESC) WHERE reason IS NOT NULL`);
    // An order of a user is attributed to messages their anonymous visits received before they merged.
    await q.query(`CREATE INDEX customers_merged ON customers (merged_into) WHERE merged_into IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS customers_merged`);
    await q.query(`DROP INDEX IF EXISTS dispatches_reason`);
    await q.query(`DROP INDEX IF EXISTS dispatches_sent`);
    await q.query(`DROP TABLE IF EXISTS conversions`);
    await q.query(`ALTER TABLE rules DROP COLUMN IF EXISTS attribution_windows, DROP COLUMN IF EXISTS holdout_percent`);
  }
}
