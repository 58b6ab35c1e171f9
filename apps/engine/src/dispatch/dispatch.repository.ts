import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { rowsOf } from '@beckon/persistence';
import { Channel, dispatchKey } from '@beckon/rules';
import { DueDispatch, PendingStep, SequenceStore } from '@beckon/triggers';

export type { DueDispatch, PendingStep };

export interface DispatchOutcome {
  id: string;
  /** `scheduled` puts a step back to wait: until `dueAt`, or with no due time until something wakes it. */
  status: 'queued' | 'suppressed' | 'deferred' | 'scheduled' | 'holdout';
  channel: Channel | null;
  reason: string | null;
  dueAt: Date | null;
  /** For a queued message that counts towards the customer's caps: when it was decided. */
  capCountedAt?: Date | null;
  /** For a queued message: why the step's preferred channels were passed over (`fallback:capped:email:16h`). */
  fallbackReason?: string | null;
}

const PENDING = `('scheduled', 'deferred')`;

/** The dispatch log, which is also the timer store: pending rows carry the due time of their step. */
@Injectable()
export class DispatchRepository implements SequenceStore {
  /**
   * Schedules steps; an existing still-scheduled step moves to the new due time (a cart touched again
   * goes quiet later), anything already fired or ended stays as it is.
   */
  async schedule(
    tx: EntityManager,
    steps: readonly PendingStep[],
    options: { reschedule: boolean; reviveReasons?: readonly string[] },
  ): Promise<void> {
    if (steps.length === 0) return;
    // A step that was ended for a reason that no longer holds (a cart emptied, then filled again) is
    // armed again; one that went out, or ended for good, stays as it is.
    const conflict = options.reschedule
      ? `DO UPDATE SET status = 'scheduled', reason = NULL, due_at = EXCLUDED.due_at,
           correlation_id = EXCLUDED.correlation_id, updated_at = now()
         WHERE (dispatches.status = 'scheduled' AND dispatches.due_at IS DISTINCT FROM EXCLUDED.due_at)
            OR (dispatches.status = 'suppressed' AND dispatches.reason = ANY($8::text[]))`
      : 'DO NOTHING';
    await tx.query(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, status, due_at, correlation_id)
       SELECT k, r, c, o, s, 'scheduled', d, x
       FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::text[]) AS t(k, r, c, o, s, d, x)
       ON CONFLICT (dispatch_key) ${conflict}`,
      [
        steps.map((s) => dispatchKey(s.ruleId, s.customerId, s.occasion, s.step)),
        steps.map((s) => s.ruleId),
        steps.map((s) => s.customerId),
        steps.map((s) => s.occasion),
        steps.map((s) => s.step),
        steps.map((s) => s.dueAt.toISOString()),
        steps.map((s) => s.correlationId),
        ...(options.reschedule ? [options.reviveReasons ?? []] : []),
      ],
    );
  }

  /** Ends the running sequences of these occasions: their pending step is logged as suppressed with the reason. */
  async endOccasions(
    tx: EntityManager,
    ended: ReadonlyArray<{
      customerId: string;
      occasion: string;
      reason: string;
    }>,
  ): Promise<number> {
    if (ended.length === 0) return 0;
    const result: unknown = await tx.query(
      `UPDATE dispatches d SET status = 'suppressed', reason = e.reason, due_at = NULL, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::text[]) AS e(customer_id, occasion, reason)
       WHERE d.customer_id = e.customer_id AND d.occasion = e.occasion AND d.status IN ${PENDING}
       RETURNING d.id`,
      [ended.map((e) => e.customerId), ended.map((e) => e.occasion), ended.map((e) => e.reason)],
    );
    return rowsOf(result).length;
  }

  /**
   * Ends each customer's running sequences whose occasion starts with the prefix, except the one
   * occasion that is still current (a new sleep episode, the latest purchase of a product).
   */
  async endSequences(
    tx: EntityManager,
    ends: ReadonlyArray<{ customerId: string; occasionPrefix: string; keepOccasion: string | null; reason: string }>,
  ): Promise<void> {
    if (ends.length === 0) return;
    await tx.query(
      `UPDATE dispatches d SET status = 'suppressed', reason = e.reason, due_at = NULL, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS e(customer_id, prefix, keep, reason)
       WHERE d.customer_id = e.customer_id AND d.status IN ${PENDING}
         AND starts_with(d.occasion, e.prefix) AND d.occasion IS DISTINCT FROM e.keep`,
      [
        ends.map((e) => e.customerId),
        ends.map((e) => e.occasionPrefix),
        ends.map((e) => e.keepOccasion),
        ends.map((e) => e.reason),
      ],
    );
  }

  /** Ends pending steps by their dispatch key. */
  async endSteps(tx: EntityManager, keys: readonly string[], reason: string): Promise<void> {
    if (keys.length === 0) return;
    await tx.query(
      `UPDATE dispatches SET status = 'suppressed', reason = $2, due_at = NULL, updated_at = now()
       WHERE dispatch_key = ANY($1::text[]) AND status IN ${PENDING}`,
      [keys, reason],
    );
  }

  /** Ends every running sequence of these customers whose occasion starts with the prefix ('' for all). */
  async endCustomerSequences(
    tx: EntityManager,
    customerIds: readonly string[],
    occasionPrefix: string,
    reason: string,
  ): Promise<void> {
    await this.endSequences(
      tx,
      customerIds.map((customerId) => ({ customerId, occasionPrefix, keepOccasion: null, reason })),
    );
  }

  /**
   * Ends every pending step of these customers, each with its own reason, except the steps of the
   * rules in `keepRuleIds` (the care window: marketing sequences end, exempt ones keep running).
   * Served by dispatches_pending_by_customer; answers how many steps it ended.
   */
  async endCustomerSteps(
    tx: EntityManager,
    ends: ReadonlyArray<{ customerId: string; reason: string }>,
    keepRuleIds: readonly string[],
  ): Promise<number> {
    if (ends.length === 0) return 0;
    const ended: unknown[] = await tx.query(
      `UPDATE dispatches d SET status = 'suppressed', reason = e.reason, due_at = NULL, updated_at = now()
       FROM unnest($1::text[], $2::text[]) AS e(customer_id, reason)
       WHERE d.customer_id = e.customer_id AND d.status IN ${PENDING} AND d.rule_id <> ALL($3::uuid[])
       RETURNING d.id`,
      [ends.map((e) => e.customerId), ends.map((e) => e.reason), keepRuleIds],
    );
    return rowsOf(ended).length;
  }

  /** Claims due steps; SKIP LOCKED lets several engine instances share the timers without firing one twice. */
  async claimDue(tx: EntityManager, limit: number, now = new Date()): Promise<DueDispatch[]> {
    const rows: Array<{
      id: string;
      rule_id: string;
      customer_id: string;
      occasion: string;
      step: number;
      due_at: Date;
      correlation_id: string | null;
    }> = await tx.query(
      `SELECT id, rule_id, customer_id, occasion, step, due_at, correlation_id FROM dispatches
       WHERE status IN ${PENDING} AND due_at <= $2
       ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit, now.toISOString()],
    );
    return rows.map((r) => ({
      id: r.id,
      ruleId: r.rule_id,
      customerId: r.customer_id,
      occasion: r.occasion,
      step: r.step,
      dueAt: r.due_at,
      correlationId: r.correlation_id,
    }));
  }

  /** Customers whose row another transaction holds (an ingestion batch writing them); the rest stay locked by us. */
  async busyCustomers(tx: EntityManager, customerIds: readonly string[]): Promise<Set<string>> {
    const ids = [...new Set(customerIds)];
    if (ids.length === 0) return new Set();
    const existing: Array<{ id: string }> = await tx.query(`SELECT id FROM customers WHERE id = ANY($1::text[])`, [
      ids,
    ]);
    const locked: Array<{ id: string }> = await tx.query(
      `SELECT id FROM customers WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE SKIP LOCKED`,
      [ids],
    );
    const mine = new Set(locked.map((row) => row.id));
    return new Set(existing.map((row) => row.id).filter((id) => !mine.has(id)));
  }

  async recordOutcomes(tx: EntityManager, outcomes: readonly DispatchOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await tx.query(
      `UPDATE dispatches d SET status = o.status, channel = o.channel, reason = o.reason, due_at = o.due_at,
         cap_counted_at = o.cap_counted_at, fallback_reason = o.fallback_reason, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[])
         AS o(id, status, channel, reason, due_at, cap_counted_at, fallback_reason)
       WHERE d.id = o.id`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.channel),
        outcomes.map((o) => o.reason),
        outcomes.map((o) => o.dueAt?.toISOString() ?? null),
        outcomes.map((o) => o.capCountedAt?.toISOString() ?? null),
        outcomes.map((o) => o.fallbackReason ?? null),
      ],
    );
  }

  async pendingCount(tx: EntityManager): Promise<number> {
    const [row] = await tx.query(
      `SELECT count(*)::int AS n FROM dispatches WHERE status IN ${PENDING} AND due_at <= now()`,
    );
    return (row as { n: number }).n;
  }
}
