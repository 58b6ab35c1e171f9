import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { rowsOf } from '@beckon/persistence';

export interface OutboxMessage {
  topic: string;
  key: string;
  payload: unknown;
}

export interface StoredOutboxMessage extends OutboxMessage {
  id: string;
}

@Injectable()
export class OutboxRepository {
  /** Written in the same transaction as the dispatch row: the message exists exactly when the decision does. */
  async add(tx: EntityManager, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await tx.query(
      `INSERT INTO outbox (topic, message_key, payload) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`,
      [messages.map((m) => m.topic), messages.map((m) => m.key), messages.map((m) => JSON.stringify(m.payload))],
    );
  }

  /** Takes the oldest messages; they are gone once the caller's transaction commits after a successful send. */
  async take(tx: EntityManager, limit: number): Promise<StoredOutboxMessage[]> {
    const rows = rowsOf<{
      id: string;
      topic: string;
      message_key: string;
      payload: unknown;
    }>(
      await tx.query(
        `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, topic, message_key, payload`,
        [limit],
      ),
    );
    return rows
      .map((r) => ({
        id: String(r.id),
        topic: r.topic,
        key: r.message_key,
        payload: r.payload,
      }))
      .sort((a, b) => Number(a.id) - Number(b.id));
  }
}
