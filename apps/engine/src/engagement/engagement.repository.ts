import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EngagementRecord } from '@beckon/contracts';

export interface EngagementBatch {
  partition: number;
  /** Offset of the batch's last message. */
  lastOffset: string;
  /** The batch's records at offsets not written before, in order. */
  records: readonly EngagementRecord[];
}

/**
 * Writes a partition batch of opens and clicks in two statements: one UPDATE of every dispatch the
 * batch names (first open, first click, clicks counted every time) and the partition's offset, in
 * the caller's transaction.
 */
@Injectable()
export class EngagementRepository {
  /** Offsets at or below this were written already: a redelivered batch skips them. */
  async writtenUpTo(tx: EntityManager, partition: number): Promise<bigint | null> {
    const rows: Array<{ last_offset: string }> = await tx.query(
      `SELECT last_offset FROM engagement_offsets WHERE partition = $1 FOR UPDATE`,
      [partition],
    );
    return rows.length === 0 ? null : BigInt(rows[0].last_offset);
  }

  async write(tx: EntityManager, batch: EngagementBatch): Promise<number> {
    let updated = 0;
    if (batch.records.length > 0) {
      const rows: unknown[] = await tx.query(
        `WITH heard AS (
           SELECT id::uuid AS id,
                  min(at) FILTER (WHERE kind = 'open') AS first_open,
                  min(at) FILTER (WHERE kind = 'click') AS first_click,
                  count(*) FILTER (WHERE kind = 'click')::int AS clicks
             FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS r(id, kind, at)
            GROUP BY id
         )
         UPDATE dispatches d
            SET opened_at = LEAST(d.opened_at, h.first_open),
                clicked_at = LEAST(d.clicked_at, h.first_click),
                clicks = d.clicks + h.clicks
           FROM heard h
          WHERE d.id = h.id
         RETURNING d.id`,
        [batch.records.map((r) => r.dispatchId), batch.records.map((r) => r.kind), batch.records.map((r) => r.at)],
      );
      updated = rows.length;
    }
    await tx.query(
      `INSERT INTO engagement_offsets (partition, last_offset) VALUES ($1, $2)
       ON CONFLICT (partition) DO UPDATE SET last_offset = GREATEST(engagement_offsets.last_offset, EXCLUDED.last_offset)`,
      [batch.partition, batch.lastOffset],
    );
    return updated;
  }
}
