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
   * The payloads are already JSON text, so the batch travels as one JSON array: no per-element array
   * escaping in the driver, which was the costliest part of ingestion.
   */
  async appendNew(tx: EntityManager, entries: readonly TimelineEntry[]): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    const rows = entries.map(
      (e) =>
        `{"m":${JSON.stringify(e.event.messageId)},"c":${JSON.stringify(e.customerId)},"t":"${e.event.type}",` +
        `"e":${JSON.stringify(e.event.type === 'track' ? e.event.event : null)},"o":"${e.event.timestamp.toISOString()}",` +
        `"p":${e.raw}}`,
    );
    const inserted: Array<{ message_id: string }> = await tx.query(
      `INSERT INTO customer_events (message_id, customer_id, type, event, occurred_at, payload)
       SELECT x->>'m', x->>'c', x->>'t', x->>'e', (x->>'o')::timestamptz, x->'p'
       FROM jsonb_array_elements($1::jsonb) AS x
       ON CONFLICT (message_id) DO NOTHING
       RETURNING message_id`,
      [`[${rows.join(',')}]`],
    );
    return new Set(inserted.map((row) => row.message_id));
  }
}
