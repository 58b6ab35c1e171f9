import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StorefrontEvent } from '@beckon/events';

export interface TimelineEntry {
  event: StorefrontEvent;
  customerId: string | null;
  raw: string;
}

@Injectable()
export class TimelineRepository {
  /**
   * Appends the batch to the customer timeline in one statement and returns the messageIds that were
   * new: the primary key on messageId is what drops duplicates, across batches and restarts.
   */
  async appendNew(tx: EntityManager, entries: readonly TimelineEntry[]): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    const rows: Array<{ message_id: string }> = await tx.query(
      `INSERT INTO customer_events (message_id, customer_id, type, event, occurred_at, payload)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
       ON CONFLICT (message_id) DO NOTHING
       RETURNING message_id`,
      [
        entries.map((e) => e.event.messageId),
        entries.map((e) => e.customerId),
        entries.map((e) => e.event.type),
        entries.map((e) => (e.event.type === 'track' ? e.event.event : null)),
        entries.map((e) => e.event.timestamp.toISOString()),
        entries.map((e) => e.raw),
      ],
    );
    return new Set(rows.map((row) => row.message_id));
  }
}
