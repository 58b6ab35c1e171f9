import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { rowsOf } from '@beckon/persistence';
import { CareSignal, CustomerCare } from '@beckon/rules';

/** One care signal as stored: its id is the messageId of the event that raised it. */
export interface CareSignalRecord {
  id: string;
  customerId: string;
  signal: CareSignal;
  at: Date;
  orderId: string | null;
  score: number | null;
  rating: number | null;
}

/** What happened to an order after it was placed, as the storefront reported it. */
export interface OrderStateChange {
  orderId: string;
  customerId: string;
  state: 'refunded' | 'cancelled';
  at: Date;
}

/** The care module's tables: care_signals, customers.care_until/care_signal, orders.refunded_at/cancelled_at. */
@Injectable()
export class CareSignalsRepository {
  /**
   * Stores the signals, one per event (a replayed event collapses onto its row); answers the ids
   * that were new. The row is also the webhook's outbox, due at once (the column's default).
   */
  async record(tx: EntityManager, signals: readonly CareSignalRecord[]): Promise<Set<string>> {
    if (signals.length === 0) return new Set();
    const rows: Array<{ id: string }> = await tx.query(
      `INSERT INTO care_signals (id, customer_id, signal, at, order_id, score, rating)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::smallint[], $7::smallint[])
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        signals.map((s) => s.id),
        signals.map((s) => s.customerId),
        signals.map((s) => s.signal),
        signals.map((s) => s.at.toISOString()),
        signals.map((s) => s.orderId),
        signals.map((s) => s.score),
        signals.map((s) => s.rating),
      ],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * The first refund or cancellation of an order is its time. Only the order's own customer reports
   * it; an order not (yet) known is left alone.
   */
  async projectOrderStates(tx: EntityManager, changes: readonly OrderStateChange[]): Promise<void> {
    for (const state of ['refunded', 'cancelled'] as const) {
      const mine = changes.filter((c) => c.state === state);
      if (mine.length === 0) continue;
      const column = `${state}_at`;
      await tx.query(
        `UPDATE orders o SET ${column} = LEAST(o.${column}, c.at)
         FROM (SELECT order_id, customer_id, min(at) AS at
               FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS c(order_id, customer_id, at)
               GROUP BY order_id, customer_id) c
         WHERE o.id = c.order_id AND o.customer_id = c.customer_id`,
        [mine.map((c) => c.orderId), mine.map((c) => c.customerId), mine.map((c) => c.at.toISOString())],
      );
    }
  }

  /**
   * Extends each customer's care to at least the given end: care_until only grows, and care_signal
   * names the signal whose window ends last. Answers the care the customers are in now.
   */
  async extendCare(tx: EntityManager, care: ReadonlyMap<string, CustomerCare>): Promise<Map<string, CustomerCare>> {
    if (care.size === 0) return new Map();
    const entries = [...care].sort(([a], [b]) => a.localeCompare(b));
    const result: unknown = await tx.query(
      `UPDATE customers c SET
         care_signal = CASE WHEN c.care_until IS NULL OR c.care_until < n.until THEN n.signal ELSE c.care_signal END,
         care_until = GREATEST(c.care_until, n.until)
       FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS n(id, until, signal)
       WHERE c.id = n.id
       RETURNING c.id, c.care_until, c.care_signal`,
      [entries.map(([id]) => id), entries.map(([, c]) => c.until.toISOString()), entries.map(([, c]) => c.signal)],
    );
    const rows = rowsOf<{ id: string; care_until: Date; care_signal: CareSignal }>(result);
    return new Map(rows.map((row) => [row.id, { until: row.care_until, signal: row.care_signal }]));
  }
}
