import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ScanCursor } from '@beckon/triggers';

/** How far each rule has walked each stream of moments. */
@Injectable()
export class ScanCursorRepository {
  /**
   * Locks the rule's cursor for this transaction, creating it at the start the first time. SKIP LOCKED:
   * when another engine is on this rule right now, the answer is null and this one moves on.
   */
  async claim(tx: EntityManager, ruleId: string, stream: string): Promise<ScanCursor | null> {
    await tx.query(`INSERT INTO moment_scans (rule_id, stream) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      ruleId,
      stream,
    ]);
    const [row]: Array<{ cursor_at: Date | null; cursor_key: string | null }> = await tx.query(
      `SELECT cursor_at, cursor_key FROM moment_scans WHERE rule_id = $1 AND stream = $2 FOR UPDATE SKIP LOCKED`,
      [ruleId, stream],
    );
    return row === undefined ? null : { at: row.cursor_at, key: row.cursor_key ?? '' };
  }

  async save(tx: EntityManager, ruleId: string, stream: string, cursor: ScanCursor): Promise<void> {
    await tx.query(
      `UPDATE moment_scans SET cursor_at = $3, cursor_key = $4, updated_at = now() WHERE rule_id = $1 AND stream = $2`,
      [ruleId, stream, cursor.at?.toISOString() ?? null, cursor.key],
    );
  }
}
