import { MigrationInterface, QueryRunner } from 'typeorm';

/** Global frequency caps and quiet hours, the per-customer cap ledger, and what each dispatch counts for. */
export class FrequencyCaps1764100000000 implements MigrationInterface {
  name = 'FrequencyCaps1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // One row at most (the primary key can only be true); no row means the documented defaults.
    await q.query(`
      CREATE TABLE cap_settings (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        rules jsonb NOT NULL,
        quiet_hours jsonb,
        default_timezone text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // A row per customer that engines lock (FOR UPDATE) while deciding whether a message fits the
    // caps: two engines deciding for one customer take turns, so caps hold by construction.
    await q.query(`
      CREATE TABLE customer_cap_ledger (
        customer_id text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    // When the engine queued a message that counts towards the caps; null for everything else
    // (pending, suppressed, exempt rules). created_at would not do: it is when the step was scheduled.
    await q.query(`ALTER TABLE dispatches ADD COLUMN cap_counted_at timestamptz`);
    await q.query(
      `CREATE INDEX dispatches_cap_history ON dispatches (customer_id, cap_counted_at) WHERE cap_counted_at IS NOT NULL`,
    );

    // A rule's own pacing: {"caps": {"exempt": bool}, "quietHours": {start, end} | null}; a missing
    // quietHours key means the global quiet hours apply.
    await q.query(`ALTER TABLE rules ADD COLUMN pacing jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rules DROP COLUMN IF EXISTS pacing`);
    await q.query(`DROP INDEX IF EXISTS dispatches_cap_history`);
    await q.query(`ALTER TABLE dispatches DROP COLUMN IF EXISTS cap_counted_at`);
    await q.query(`DROP TABLE IF EXISTS customer_cap_ledger`);
    await q.query(`DROP TABLE IF EXISTS cap_settings`);
  }
}
