import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Care moments (CONTRACT.md §8): what happened to an order after it was placed, survey answers, and
 * the care signals that keep marketing away from an unhappy customer and reach a person.
 */
export class CareMoments1764600000000 implements MigrationInterface {
  name = 'CareMoments1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE orders
        ADD COLUMN delivered_at timestamptz,
        ADD COLUMN refunded_at timestamptz,
        ADD COLUMN cancelled_at timestamptz`);

    // One answer per survey message (the last one wins), or per event when no message asked.
    await q.query(`
      CREATE TABLE survey_answers (
        answer_key text PRIMARY KEY,
        dispatch_id uuid,
        rule_id uuid,
        customer_id text NOT NULL,
        order_id text,
        score smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
        answered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX survey_answers_customer ON survey_answers (customer_id, answered_at DESC)`);
    // NPS over time, for the shop and per rule.
    await q.query(`CREATE INDEX survey_answers_answered ON survey_answers (answered_at)`);
    await q.query(
      `CREATE INDEX survey_answers_rule ON survey_answers (rule_id, answered_at) WHERE rule_id IS NOT NULL`,
    );

    // A care signal is also the durable outbox of its webhook: delivered at most once per signal id.
    await q.query(`
      CREATE TABLE care_signals (
        id text PRIMARY KEY,
        customer_id text NOT NULL,
        signal text NOT NULL CHECK (signal IN ('detractor', 'refund', 'cancellation', 'complaint', 'low_review')),
        at timestamptz NOT NULL,
        order_id text,
        score smallint,
        rating smallint,
        created_at timestamptz NOT NULL DEFAULT now(),
        webhook_attempts integer NOT NULL DEFAULT 0,
        webhook_next_at timestamptz DEFAULT now(),
        webhook_delivered_at timestamptz,
        webhook_last_error text
      )`);
    await q.query(`CREATE INDEX care_signals_customer ON care_signals (customer_id, at DESC)`);
    await q.query(
      `CREATE INDEX care_signals_webhook_due ON care_signals (webhook_next_at) WHERE webhook_delivered_at IS NULL`,
    );

    await q.query(`ALTER TABLE customers ADD COLUMN care_until timestamptz, ADD COLUMN care_signal text`);
    // NULL: the default care settings (all five signals, P14D).
    await q.query(`ALTER TABLE cap_settings ADD COLUMN care jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cap_settings DROP COLUMN IF EXISTS care`);
    await q.query(`ALTER TABLE customers DROP COLUMN IF EXISTS care_until, DROP COLUMN IF EXISTS care_signal`);
    await q.query(`DROP TABLE IF EXISTS care_signals`);
    await q.query(`DROP TABLE IF EXISTS survey_answers`);
    await q.query(
      `ALTER TABLE orders DROP COLUMN IF EXISTS delivered_at, DROP COLUMN IF EXISTS refunded_at, DROP COLUMN IF EXISTS cancelled_at`,
    );
  }
}
