import { DataSource } from 'typeorm';

export type DeliveryChannelName = 'email' | 'webpush';

/**
 * `delivery_attempts.state`. An attempt is written as `attempting` before the send and moves to its
 * outcome after it; `abandoned` is an attempt whose process died in between (outcome unknown).
 */
export type AttemptState = 'attempting' | 'sent' | 'failed' | 'abandoned';

/** Dispatch statuses after which nothing is sent any more. */
export const FINISHED_DISPATCH_STATUSES: readonly string[] = ['sent', 'failed', 'suppressed', 'holdout'];

/** What PostgreSQL knows about one dispatch id, read for a whole batch at once. */
export interface LedgerEntry {
  dispatchId: string;
  /** null: there is no dispatches row with this id. */
  dispatchStatus: string | null;
  dispatchReason: string | null;
  /** null: never attempted. */
  attemptState: AttemptState | null;
  attemptError: string | null;
  /**
   * `finished_at` is set once an attempt needs nothing more: at once for a success, and for a failure
   * only after it reached the dead-letter topic, so a crash in between re-produces it on replay.
   */
  attemptFinished: boolean;
  /** The customer's consent on this channel; null when there is no customers row. */
  consent: boolean | null;
}

export interface DeliveryOutcome {
  dispatchId: string;
  status: 'sent' | 'failed';
  /** Short machine-readable cause of a failure (`smtp:550`, `push:410`); null when sent. */
  reason: string | null;
  /** SMTP response line, push status(es). */
  providerResponse: string | null;
  /** Sends made for this dispatch (summed over subscriptions for web push). */
  attempts: number;
  /** Of those, sends repeated after a transient failure (for metrics). */
  retries?: number;
  /** Last error text, for ops. */
  error: string | null;
  /** Addresses the provider says no longer exist (push endpoints answering 404/410), dropped after recording. */
  goneAddresses?: string[];
  /**
   * The email address the server refused for good (hard bounce); recorded with the outcome as the
   * customer's `email_undeliverable_at`, if it is still the customer's address.
   */
  bouncedAddress?: string | null;
}

const CONSENT_COLUMN: Record<DeliveryChannelName, string> = {
  email: 'email_consent',
  webpush: 'webpush_consent',
};

const FINISHED_SQL = FINISHED_DISPATCH_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * The delivery services' side of "nothing lost, nothing twice": one SQL statement per step for a
 * whole batch. A dispatch is sent only by the process whose INSERT created its `attempting` row.
 */
export class DeliveryLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: DeliveryChannelName,
  ) {}

  async inspect(dispatchIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
    if (dispatchIds.length === 0) return new Map();
    const rows: LedgerEntry[] = await this.dataSource.query(
      `SELECT v.id::text AS "dispatchId",
              d.status AS "dispatchStatus",
              d.reason AS "dispatchReason",
              a.state AS "attemptState",
              a.last_error AS "attemptError",
              a.finished_at IS NOT NULL AS "attemptFinished",
              c.${CONSENT_COLUMN[this.channel]} AS consent
         FROM unnest($1::uuid[]) AS v(id)
         LEFT JOIN dispatches d ON d.id = v.id
         LEFT JOIN delivery_attempts a ON a.dispatch_id = v.id
         LEFT JOIN customers c ON c.id = d.customer_id`,
      [dispatchIds],
    );
    return new Map(rows.map((row) => [row.dispatchId, row]));
  }

  /** Closes dispatches that may no longer be sent (the customer opted out) or cannot be (malformed message). */
  async close(dispatchIds: readonly string[], status: 'suppressed' | 'failed', reason: string): Promise<void> {
    if (dispatchIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE dispatches SET status = $2, reason = $3, updated_at = now()
        WHERE id = ANY($1::uuid[]) AND status NOT IN (${FINISHED_SQL})`,
      [dispatchIds, status, reason],
    );
  }

  /**
   * Reconciles attempts left `attempting` by a process that died between send and outcome: they are
   * not resent (the shopper may have the message) but closed as failed with `unknown_outcome`.
   * Returns the ids this call reconciled.
   */
  async abandon(dispatchIds: readonly string[]): Promise<string[]> {
    if (dispatchIds.length === 0) return [];
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH abandoned AS (
         UPDATE delivery_attempts SET state = 'abandoned', last_error = 'unknown_outcome'
          WHERE dispatch_id = ANY($1::uuid[]) AND state = 'attempting'
          RETURNING dispatch_id
       ), closed AS (
         UPDATE dispatches d SET status = 'failed', reason = 'unknown_outcome', updated_at = now()
           FROM abandoned a
          WHERE d.id = a.dispatch_id AND d.status NOT IN (${FINISHED_SQL})
       )
       SELECT dispatch_id::text AS id FROM abandoned`,
      [dispatchIds],
    );
    return rows.map((row) => row.id);
  }

  /** Writes `attempting` rows; only the returned ids are this process's to send (safe across instances). */
  async claim(dispatchIds: readonly string[]): Promise<Set<string>> {
    if (dispatchIds.length === 0) return new Set();
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO delivery_attempts (dispatch_id, channel, state, attempts)
       SELECT id, $2, 'attempting', 0 FROM unnest($1::uuid[]) AS v(id)
       ON CONFLICT (dispatch_id) DO NOTHING
       RETURNING dispatch_id::text AS id`,
      [dispatchIds, this.channel],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Records the outcomes of claimed attempts, their dispatches and hard-bounced addresses in one
   * statement. A bounce marks the customer only while the address is still theirs: one who changed
   * it since the dispatch was composed is not condemned by the old one.
   */
  async record(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.dataSource.query(
      `WITH o AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[])
             AS o(id, status, attempts, reason, response, error, bounced)
       ), recorded AS (
         UPDATE delivery_attempts a
            SET state = o.status, attempts = a.attempts + o.attempts, last_error = o.error,
                finished_at = CASE WHEN o.status = 'sent' THEN now() END
           FROM o WHERE a.dispatch_id = o.id
       ), bounced AS (
         UPDATE customers c
            SET email_undeliverable_at = now(), email_undeliverable_reason = left(o.response, 500), updated_at = now()
           FROM o JOIN dispatches d ON d.id = o.id
          WHERE o.bounced IS NOT NULL AND c.id = d.customer_id AND lower(c.email) = lower(o.bounced)
       )
       UPDATE dispatches d
          SET status = o.status, reason = o.reason, provider_response = o.response, updated_at = now(),
              sent_at = CASE WHEN o.status = 'sent' THEN now() ELSE d.sent_at END
         FROM o WHERE d.id = o.id`,
      [
        outcomes.map((o) => o.dispatchId),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.attempts),
        outcomes.map((o) => o.reason),
        outcomes.map((o) => o.providerResponse),
        outcomes.map((o) => o.error),
        outcomes.map((o) => o.bouncedAddress ?? null),
      ],
    );
  }

  /** Marks failed or abandoned attempts finished once their dead letters are on Kafka. */
  async finish(dispatchIds: readonly string[]): Promise<void> {
    if (dispatchIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE delivery_attempts SET finished_at = now()
        WHERE dispatch_id = ANY($1::uuid[]) AND finished_at IS NULL AND state IN ('failed', 'abandoned')`,
      [dispatchIds],
    );
  }
}
