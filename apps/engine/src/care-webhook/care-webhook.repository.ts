import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { rowsOf } from '@beckon/persistence';
import { CareSignalRow } from './care-webhook-payload';

export interface ClaimedSignal extends CareSignalRow {
  created_at: Date;
  webhook_attempts: number;
}

/** What became of one POST, written back in the transaction that claimed the signal. */
export interface WebhookOutcome {
  id: string;
  delivered: boolean;
  /** When to try again; null with `delivered: false` means given up. */
  nextAt: Date | null;
  error: string | null;
}

/**
 * care_signals is the webhook's outbox: a signal is pending while webhook_delivered_at is NULL and
 * webhook_next_at is set (due once it has passed), delivered once webhook_delivered_at is set, and
 * given up when webhook_next_at is NULL with it still unset. The rows are inserted where the signals
 * are raised; only the webhook_* columns are written here.
 */
@Injectable()
export class CareWebhookRepository {
  /**
   * Locks the most overdue signals for the caller's transaction; another engine instance skips them
   * rather than waits, so each signal is in one POST at a time. Walks care_signals_webhook_due
   * (webhook_next_at, pending rows only).
   */
  async claimDue(tx: EntityManager, limit: number, now: Date): Promise<ClaimedSignal[]> {
    return rowsOf<ClaimedSignal>(
      await tx.query(
        `SELECT id, customer_id, signal, at, order_id, score, rating, created_at, webhook_attempts
         FROM care_signals
         WHERE webhook_delivered_at IS NULL AND webhook_next_at <= $2
         ORDER BY webhook_next_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED`,
        [limit, now.toISOString()],
      ),
    );
  }

  /** One statement for the whole batch: every claimed signal counts one more attempt. */
  async record(tx: EntityManager, outcomes: readonly WebhookOutcome[], now: Date): Promise<void> {
    if (outcomes.length === 0) return;
    await tx.query(
      `UPDATE care_signals s SET
         webhook_attempts = s.webhook_attempts + 1,
         webhook_delivered_at = CASE WHEN o.delivered THEN $5::timestamptz END,
         webhook_next_at = CASE WHEN o.delivered THEN s.webhook_next_at ELSE o.next_at END,
         webhook_last_error = o.error
       FROM unnest($1::text[], $2::boolean[], $3::timestamptz[], $4::text[]) AS o(id, delivered, next_at, error)
       WHERE s.id = o.id`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.delivered),
        outcomes.map((o) => o.nextAt?.toISOString() ?? null),
        outcomes.map((o) => o.error),
        now.toISOString(),
      ],
    );
  }

  /** Signals still to deliver (given-up ones left out), for the pending gauge: the partial index alone. */
  async countPending(tx: EntityManager): Promise<number> {
    const [row] = rowsOf<{ pending: number }>(
      await tx.query(
        `SELECT count(*)::int AS pending FROM care_signals
         WHERE webhook_delivered_at IS NULL AND webhook_next_at IS NOT NULL`,
      ),
    );
    return row.pending;
  }
}
