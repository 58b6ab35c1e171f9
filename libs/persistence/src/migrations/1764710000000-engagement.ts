import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Opens and clicks (CONTRACT §6), on the dispatch itself: the first open and click for rates and the
 * raw click count. The partial index holds only engaged dispatches, so the stats count opens and
 * clicks per rule and step over a range without reading the messages nobody opened.
 * engagement_offsets: the last engagement-topic offset written per partition, in the same
 * transaction as the counts, so a batch Kafka delivers again after a crash is not counted twice.
 * `rules.engagement` holds a rule's optional `tracking` and `attribution` settings ({} before them).
 */
export class Engagement1764710000000 implements MigrationInterface {
  name = 'Engagement1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dispatches
      ADD COLUMN opened_at timestamptz,
      ADD COLUMN clicked_at timestamptz,
      ADD COLUMN clicks integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE INDEX dispatches_engaged_idx ON dispatches (created_at) INCLUDE (rule_id, step, opened_at, clicked_at)
      WHERE opened_at IS NOT NULL OR clicked_at IS NOT NULL`);
    await q.query(`CREATE TABLE engagement_offsets (partition integer PRIMARY KEY, last_offset bigint NOT NULL)`);
    await q.query(`ALTER TABLE rules ADD COLUMN engagement jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rules DROP COLUMN IF EXISTS engagement`);
    await q.query(`DROP TABLE IF EXISTS engagement_offsets`);
    await q.query(`DROP INDEX IF EXISTS dispatches_engaged_idx`);
    await q.query(`ALTER TABLE dispatches DROP COLUMN IF EXISTS clicks, DROP COLUMN IF EXISTS clicked_at,
      DROP COLUMN IF EXISTS opened_at`);
  }
}
