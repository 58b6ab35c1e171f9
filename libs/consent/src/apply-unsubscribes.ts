import { Queryable, rowsOf } from '@beckon/persistence';
import { Consent, endsSequences, Unsubscribe, withdrawnBy } from './unsubscribe-rule';

/**
 * The one unsubscribe operation: withdraws consent, then ends the open sequences of every customer
 * left with no consent (see `endsSequences`). The API calls it for a one-click link, the engine for
 * a batch's `Unsubscribed` events; run it in the caller's transaction, so no step can fire between
 * the two writes. Idempotent: applying an opt-out again changes nothing.
 */
export async function applyUnsubscribes(tx: Queryable, unsubscribes: readonly Unsubscribe[]): Promise<void> {
  if (unsubscribes.length === 0) return;
  const withdrawals = unsubscribes.map((u) => ({ customerId: u.customerId, ...withdrawnBy(u.channel) }));
  // An opt-out of an anonymous visitor also binds the user that visitor became (links live on in old
  // mail). Withdrawals are folded per row first: an UPDATE applies one source row per target row, so
  // a batch's email and webpush opt-outs of one customer would otherwise keep only one of them.
  const result: unknown = await tx.query(
    `WITH withdrawal AS (
       SELECT target.id, bool_or(w.email) AS email, bool_or(w.webpush) AS webpush
         FROM unnest($1::text[], $2::boolean[], $3::boolean[]) AS w(customer_id, email, webpush)
         JOIN customers named ON named.id = w.customer_id
        CROSS JOIN LATERAL (VALUES (named.id), (named.merged_into)) AS target(id)
        WHERE target.id IS NOT NULL
        GROUP BY target.id)
     UPDATE customers c
        SET email_consent = c.email_consent AND NOT withdrawal.email,
            webpush_consent = c.webpush_consent AND NOT withdrawal.webpush,
            updated_at = now()
       FROM withdrawal WHERE c.id = withdrawal.id
     RETURNING c.id, c.email_consent AS email, c.webpush_consent AS webpush`,
    [withdrawals.map((w) => w.customerId), withdrawals.map((w) => w.email), withdrawals.map((w) => w.webpush)],
  );
  const ended = rowsOf<Consent & { id: string }>(result)
    .filter(endsSequences)
    .map((row) => row.id);
  if (ended.length === 0) return;
  await tx.query(
    `UPDATE dispatches SET status = 'suppressed', reason = 'unsubscribed', due_at = NULL, updated_at = now()
      WHERE customer_id = ANY($1::text[]) AND status IN ('scheduled', 'deferred')`,
    [ended],
  );
}
