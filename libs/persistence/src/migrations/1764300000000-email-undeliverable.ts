import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A customer's email address that bounced for good (SMTP 5xx on RCPT TO or DATA): set by the email
 * service with the outcome, cleared by the engine when the customer identifies with another address.
 */
export class EmailUndeliverable1764300000000 implements MigrationInterface {
  name = 'EmailUndeliverable1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customers ADD COLUMN email_undeliverable_at timestamptz`);
    // The server's reply that condemned the address (`550 5.1.1 no such user`), for ops.
    await q.query(`ALTER TABLE customers ADD COLUMN email_undeliverable_reason text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customers DROP COLUMN IF EXISTS email_undeliverable_reason`);
    await q.query(`ALTER TABLE customers DROP COLUMN IF EXISTS email_undeliverable_at`);
  }
}
