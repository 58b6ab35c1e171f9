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

    // Orders placed within a rule's longest attribution window after the first step of a sequence was
    // sent, or held out: the two sides of the rule's holdout comparison, counted per sequence.
    await q.query(`
      CREATE TABLE sequence_orders (
        dispatch_id uuid NOT NULL,
        order_id text NOT NULL,
        rule_id uuid NOT NULL,
        held_out boolean NOT NULL,
        revenue numeric(14,2),
        dispatch_created_at timestamptz NOT NULL,
        PRIMARY KEY (dispatch_id, order_id)
      )`);
    await q.query(`CREATE INDEX sequence_orders_by_dispatch_time ON sequence_orders (dispatch_created_at)`);
    await q.query(`CREATE INDEX dispatches_holdout ON dispatches (customer_id, updated_at) WHERE status = 'holdout'`);

    // Dispatch counts per UTC hour and day of created_at, by rule, step, channel, current status and
    // reason ('' for none), so stats over days read thousands of counters instead of millions of rows.
    // Statement triggers append each statement's net change to dispatch_count_deltas (writers never
    // wait on a shared counter); the engine folds the deltas into the counters every few seconds, and
    // readers add the deltas not folded yet.
    const key = `rule_id uuid NOT NULL, step integer NOT NULL, channel text NOT NULL, status text NOT NULL, reason text NOT NULL`;
    await q.query(`CREATE TABLE dispatch_count_deltas (hour timestamptz NOT NULL, ${key}, n integer NOT NULL)`);
    await q.query(`CREATE INDEX dispatch_count_deltas_hour ON dispatch_count_deltas (hour)`);
    for (const [table, span] of [
      ['dispatch_counts_hourly', 'hour'],
      ['dispatch_counts_daily', 'day'],
    ]) {
      await q.query(`
        CREATE TABLE ${table} (${span} timestamptz NOT NULL, ${key}, n integer NOT NULL,
          PRIMARY KEY (${span}, rule_id, step, channel, status, reason))`);
    }
    const counted = (rows: string, sign: string) =>
      `SELECT date_trunc('hour', created_at, 'UTC') AS hour, rule_id, step, COALESCE(channel, '') AS channel, status,
              COALESCE(reason, '') AS reason, ${sign}1 AS n FROM ${rows}`;
    await q.query(`
      CREATE FUNCTION dispatch_count_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          TRUNCATE dispatch_count_deltas, dispatch_counts_hourly, dispatch_counts_daily;
        ELSIF TG_OP = 'INSERT' THEN
          INSERT INTO dispatch_count_deltas
          SELECT hour, rule_id, step, channel, status, reason, sum(n) FROM (${counted('new_rows', '')}) c
           GROUP BY 1, 2, 3, 4, 5, 6;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO dispatch_count_deltas
          SELECT hour, rule_id, step, channel, status, reason, sum(n) FROM (${counted('old_rows', '-')}) c
           GROUP BY 1, 2, 3, 4, 5, 6;
        ELSE
          -- Only what moved: a row whose status, channel or reason did not change nets out to nothing.
          INSERT INTO dispatch_count_deltas
          SELECT hour, rule_id, step, channel, status, reason, sum(n)
            FROM (${counted('new_rows', '')} UNION ALL ${counted('old_rows', '-')}) c
           GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER dispatch_counts_insert AFTER INSERT ON dispatches REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dispatch_count_deltas()`);
    await q.query(`
      CREATE TRIGGER dispatch_counts_update AFTER UPDATE ON dispatches REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dispatch_count_deltas()`);
    await q.query(`
      CREATE TRIGGER dispatch_counts_delete AFTER DELETE ON dispatches REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dispatch_count_deltas()`);
    await q.query(`
      CREATE TRIGGER dispatch_counts_truncate AFTER TRUNCATE ON dispatches
        FOR EACH STATEMENT EXECUTE FUNCTION dispatch_count_deltas()`);
    // The log so far; the triggers' lock on dispatches keeps writers out until this commits.
    await q.query(`INSERT INTO dispatch_count_deltas SELECT hour, rule_id, step, channel, status, reason, sum(n)
                     FROM (${counted('dispatches', '')}) c GROUP BY 1, 2, 3, 4, 5, 6`);

    // Last touch: a customer's sent messages newest first. Partial, so only the update to 'sent' pays for it.
    await q.query(`CREATE INDEX dispatches_sent ON dispatches (customer_id, sent_at DESC) WHERE status = 'sent'`);
    // Suppression and failure reasons are filtered on by ops; most rows (sent, scheduled) have none.
    await q.query(`CREATE INDEX dispatches_reason ON dispatches (reason, created_at DESC) WHERE reason IS NOT NULL`);
    // An order of a user is attributed to messages their anonymous visits received before they merged.
    await q.query(`CREATE INDEX customers_merged ON customers (merged_into) WHERE merged_into IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER IF EXISTS dispatch_counts_${event} ON dispatches`);
    }
    await q.query(`DROP FUNCTION IF EXISTS dispatch_count_deltas()`);
    await q.query(`DROP TABLE IF EXISTS dispatch_counts_daily, dispatch_counts_hourly, dispatch_count_deltas`);
    await q.query(`DROP INDEX IF EXISTS dispatches_holdout`);
    await q.query(`DROP TABLE IF EXISTS sequence_orders`);
    await q.query(`DROP INDEX IF EXISTS customers_merged`);
    await q.query(`DROP INDEX IF EXISTS dispatches_reason`);
    await q.query(`DROP INDEX IF EXISTS dispatches_sent`);
    await q.query(`DROP TABLE IF EXISTS conversions`);
    await q.query(`ALTER TABLE rules DROP COLUMN IF EXISTS attribution_windows, DROP COLUMN IF EXISTS holdout_percent`);
  }
}
