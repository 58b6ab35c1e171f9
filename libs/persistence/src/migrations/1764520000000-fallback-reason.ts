import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why a message went out on another channel than its step's first (`fallback:capped:email:16h`).
 * A column of its own, not `reason`: the delivery services overwrite `reason` with the send's outcome
 * (null when sent, `smtp:550` when failed), and ops must still see why it went by push.
 */
export class FallbackReason1764520000000 implements MigrationInterface {
  name = 'FallbackReason1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dispatches ADD COLUMN fallback_reason text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dispatches DROP COLUMN IF EXISTS fallback_reason`);
  }
}
