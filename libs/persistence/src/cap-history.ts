import { EntityManager } from 'typeorm';
import type { CapEvent, Channel } from '@beckon/rules';

/**
 * The messages that count towards these customers' caps since `since`: queued or sent, from rules
 * that are not exempt (only those carry cap_counted_at). Served by dispatches_cap_history. The
 * engine reads it under the customers' ledger locks; the rule preview reads it as it stands.
 */
export async function loadCapHistory(
  tx: EntityManager,
  customerIds: readonly string[],
  since: Date,
): Promise<Map<string, CapEvent[]>> {
  const ids = [...new Set(customerIds)];
  const history = new Map<string, CapEvent[]>();
  if (ids.length === 0) return history;
  const rows: Array<{ customer_id: string; channel: Channel; cap_counted_at: Date }> = await tx.query(
    `SELECT customer_id, channel, cap_counted_at FROM dispatches
     WHERE customer_id = ANY($1::text[]) AND cap_counted_at > $2 AND status IN ('queued', 'sent')`,
    [ids, since.toISOString()],
  );
  for (const row of rows) {
    const events = history.get(row.customer_id) ?? [];
    events.push({ channel: row.channel, at: row.cap_counted_at });
    history.set(row.customer_id, events);
  }
  return history;
}
